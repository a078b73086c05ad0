package io.robustmq.kernel.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Nodes in the test's JVM forming one cluster: node {@code i} (1 to N) in {@code dir/node-i}, every
 * member listed in each node's {@code meta.addrs}, started at once (a node is ready once the cluster
 * has a leader, which needs a majority).
 */
public final class TestCluster implements AutoCloseable
{
    private final List<TestNode> nodes;

    private TestCluster(final List<TestNode> nodes)
    {
        this.nodes = nodes;
    }

    /**
     * @param dir   a temporary directory of the test's.
     * @param count how many nodes (3 or 5).
     * @param extra more TOML for every node (e.g. a plugin's listener on port 0).
     * @return the started cluster.
     * @throws Exception if a node does not start within two minutes.
     */
    public static TestCluster start(final Path dir, final int count, final String extra) throws Exception
    {
        final int[] metaPorts = new int[count];
        for (int i = 0; i < count; i++)
        {
            int candidate;
            do
            {
                candidate = TestNode.freeMetaPorts();
            }
            while (clashes(candidate, metaPorts, i));
            metaPorts[i] = candidate;
        }
        final StringBuilder addrs = new StringBuilder("meta.addrs = [");
        for (int i = 0; i < count; i++)
        {
            addrs.append(i == 0 ? "" : ", ").append('"').append(i + 1).append("=localhost:").append(metaPorts[i])
                .append('"');
        }
        addrs.append("]\n");
        final List<CompletableFuture<TestNode>> starting = new ArrayList<>();
        for (int i = 0; i < count; i++)
        {
            final Path nodeDir = dir.resolve("node-" + (i + 1));
            final String toml = "node.id = " + (i + 1) + "\n" + addrs + extra;
            starting.add(CompletableFuture.supplyAsync(() -> startNode(nodeDir, toml)));
        }
        final List<TestNode> nodes = new ArrayList<>();
        try
        {
            for (final CompletableFuture<TestNode> node : starting)
            {
                nodes.add(node.get(120, TimeUnit.SECONDS));
            }
        }
        catch (final Exception ex)
        {
            nodes.forEach(TestNode::close);
            throw ex;
        }
        return new TestCluster(List.copyOf(nodes));
    }

    private static boolean clashes(final int candidate, final int[] taken, final int count)
    {
        for (int i = 0; i < count; i++)
        {
            if (Math.abs(candidate - taken[i]) < 5)
            {
                return true;
            }
        }
        return false;
    }

    private static TestNode startNode(final Path dir, final String toml)
    {
        try
        {
            Files.createDirectories(dir);
            final Path config = TestNode.writeConfig(dir, toml);
            // meta.addrs names this node's ports; the single-node meta.port would clash with it.
            Files.writeString(config, Files.readString(config).replaceFirst("meta\\.port = \\d+\\n", ""));
            return TestNode.startWith(config);
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
    }

    /**
     * @param id a node's id, from 1.
     * @return the node.
     */
    public TestNode node(final int id)
    {
        return nodes.get(id - 1);
    }

    /**
     * @return every node, by id.
     */
    public List<TestNode> nodes()
    {
        return nodes;
    }

    @Override
    public void close()
    {
        nodes.forEach(TestNode::close);
    }
}
