package io.robustmq.kernel.meta;

/**
 * The Meta Service component of a node. Until the Aeron Cluster service lands it holds no
 * metadata and replicates nothing: it only takes its place in the start-up order, and
 * {@link #describeState()} says exactly that.
 */
public final class MetaService implements AutoCloseable
{
    private final int nodeId;

    private MetaService(final int nodeId)
    {
        this.nodeId = nodeId;
    }

    /**
     * @param nodeId the node's id.
     * @return the started component.
     */
    public static MetaService launch(final int nodeId)
    {
        return new MetaService(nodeId);
    }

    /**
     * @return a one-line summary for the admin API.
     */
    public String describeState()
    {
        return "standalone node " + nodeId + "; cluster metadata (Aeron Cluster) not implemented yet: " +
            "nothing is stored or replicated";
    }

    @Override
    public void close()
    {
        // Holds nothing yet.
    }
}
