package io.robustmq.meta.cluster;

import org.agrona.concurrent.AgentInvoker;
import org.agrona.concurrent.IdleStrategy;

/**
 * The consensus module's idle strategy when the member's archive (and, through it, the media
 * driver) run on the consensus module's thread: every time the consensus module would wait, the
 * hosted agent does a duty cycle first, and the thread waits only when neither found work. So a
 * message that arrives in the driver, is recorded by the archive and is acted on by the consensus
 * module crosses no thread boundary and no park.
 * <p>
 * Aeron calls this from the consensus module's duty cycle and from its own waiting loops (an
 * election, recovery, a snapshot), which is where the hosted agent must keep going too: the
 * consensus module never waits for the archive or the driver without passing through here or
 * through a client that invokes them itself.
 */
final class HostingIdleStrategy implements IdleStrategy
{
    private final AgentInvoker hosted;
    private final IdleStrategy delegate;

    /**
     * @param hosted   the agent run on this thread: the archive's invoker.
     * @param delegate how to wait when there is no work.
     */
    HostingIdleStrategy(final AgentInvoker hosted, final IdleStrategy delegate)
    {
        this.hosted = hosted;
        this.delegate = delegate;
    }

    /**
     * @return how the thread waits when there is no work.
     */
    IdleStrategy delegate()
    {
        return delegate;
    }

    @Override
    public void idle(final int workCount)
    {
        delegate.idle(workCount + hosted.invoke());
    }

    @Override
    public void idle()
    {
        delegate.idle(hosted.invoke());
    }

    @Override
    public void reset()
    {
        delegate.reset();
    }

    @Override
    public String alias()
    {
        return "hosting-" + delegate.alias();
    }
}
