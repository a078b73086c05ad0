package io.robustmq.plugin.api.storage;

import java.util.List;
import java.util.Optional;

/**
 * The node's shards. Which engine stores a shard, and how durably, follows the node's storage
 * configuration for the shard's topic: a default for the node, overridden per topic.
 * <p>
 * Threading: every method may be called from any thread. {@link #open} and {@link #delete} may
 * block briefly (they create or remove files): call them at start-up, or off the event loops.
 */
public interface Shards
{
    /**
     * Open a shard, creating it if it does not exist.
     *
     * @param name  the shard's name, unique on the node; any characters (the kernel maps them to
     *              safe file names).
     * @param topic the topic whose storage settings apply when the shard is created.
     * @return the shard.
     */
    Shard open(String name, String topic);

    /**
     * @param name a shard's name.
     * @return the shard, if it exists.
     */
    Optional<Shard> find(String name);

    /**
     * Delete a shard and everything in it. Appends still on their way fail; views already read stay
     * valid until released.
     *
     * @param name a shard's name.
     * @return true if it existed.
     */
    boolean delete(String name);

    /**
     * @return the names of every shard, sorted.
     */
    List<String> list();

    /**
     * Register who is told about appends. Register once (per connection handler, event loop or
     * plugin) and pass the id to every {@link Shard#append}.
     *
     * @param callback told when appends complete.
     * @return the callback's id.
     */
    int register(AppendCallback callback);
}
