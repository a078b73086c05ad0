package io.robustmq.plugin.api.metadata;

/**
 * A registered watch. Closing it stops its callbacks (one already running finishes).
 */
public interface Watch extends AutoCloseable
{
    @Override
    void close();
}
