package io.robustmq.kernel.status;

import java.util.function.Supplier;

/**
 * The state of one node component as the admin API reports it. Written by the start-up and
 * shutdown thread, read by admin requests on event loops.
 */
public final class ComponentStatus
{
    private final String name;
    private volatile ComponentState state = ComponentState.PENDING;
    private volatile Supplier<String> detail = () -> "";

    /**
     * @param name the component's name, e.g. {@code journal}.
     */
    public ComponentStatus(final String name)
    {
        this.name = name;
    }

    /**
     * @return the component's name.
     */
    public String name()
    {
        return name;
    }

    /**
     * @return its current state.
     */
    public ComponentState state()
    {
        return state;
    }

    /**
     * @param state its new state.
     */
    public void state(final ComponentState state)
    {
        this.state = state;
    }

    /**
     * @return a short, current, human-readable description of what the component holds.
     */
    public String detail()
    {
        return detail.get();
    }

    /**
     * @param detail computes the description on each request.
     */
    public void detail(final Supplier<String> detail)
    {
        this.detail = detail;
    }
}
