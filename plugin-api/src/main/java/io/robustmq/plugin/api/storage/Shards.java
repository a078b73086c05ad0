package io.robustmq.plugin.api.storage;

import java.util.List;
import java.util.Optional;

/**
 * The node's shards, as one owner (a plugin, or a kernel service) sees them. There are two kinds:
 * <ul>
 *   <li><b>A topic's shards</b>, addressed by (topic, partition): the shards the Meta Service placed
 *       ({@link io.robustmq.plugin.api.metadata.Metadata#shard}). Every owner sees the same ones. A
 *       shard takes its engine, durability and retention from its topic
 *       ({@link io.robustmq.plugin.api.metadata.TopicInfo}); what the topic leaves empty or 0 comes
 *       from the node's {@code [storage]} section and its {@code [storage.topics."<pattern>"]}
 *       overrides. Only the node that leads a shard in the metadata may append to it: elsewhere
 *       {@link Shard#append} answers {@link Shard#NOT_LEADER}.</li>
 *   <li><b>Private shards</b>, addressed by a name of the owner's choosing: durable state that is
 *       no topic's (a session log, an offset store). Each owner has a namespace of its own: two
 *       plugins may use the same name for different shards, and no private shard is ever a topic's.
 *       They take the node's {@code [storage]} settings, overridden by
 *       {@code [storage.private."<owner>/<name pattern>"]}, and are always writable on this node.</li>
 * </ul>
 * The kernel maps every shard to a directory name of its own (see the storage documentation,
 * "Shard names"); names and topics may hold any character.
 * <p>
 * Threading: every method may be called from any thread. {@link #open}, {@link #openPrivate},
 * {@link #delete}, {@link #deletePrivate} and {@link #adoptLegacy} may block briefly (they create or
 * remove files): call them at start-up, or off the event loops. The others answer from memory.
 */
public interface Shards
{
    /**
     * Open a topic's shard on this node, creating it if this node holds none for the topic's
     * current life ({@link ShardId#topicId()}).
     *
     * @param topic     the topic's name.
     * @param partition the shard's index in the topic, from 0.
     * @return the shard.
     * @throws NoSuchShardException if the Meta Service knows no such topic, or the topic has no such
     *                              partition.
     */
    Shard open(String topic, int partition) throws NoSuchShardException;

    /**
     * @param topic     the topic's name.
     * @param partition the shard's index in the topic.
     * @return the shard, if this node holds it for the topic's current life.
     */
    Optional<Shard> find(String topic, int partition);

    /**
     * Delete a topic's shard from this node, and everything in it. Appends still on their way fail;
     * views already read stay valid until released.
     *
     * @param id the shard, as {@link #list()} names it (possibly of a topic that no longer exists).
     * @return true if this node held it.
     */
    boolean delete(ShardId id);

    /**
     * @return every topic shard this node holds, by topic, then partition, then topic id; a topic
     * deleted (or deleted and created again) while its shards stayed here is listed under its old id.
     */
    List<ShardId> list();

    /**
     * Open one of this owner's private shards, creating it if it does not exist.
     *
     * @param name the shard's name in this owner's namespace: any characters, at most 160 once
     *             escaped (a lowercase ASCII letter, digit, {@code -} or {@code _} counts one, any
     *             other byte of its UTF-8 encoding three); a longer one is refused with an
     *             {@link IllegalArgumentException}.
     * @return the shard.
     */
    Shard openPrivate(String name);

    /**
     * @param name a private shard's name in this owner's namespace.
     * @return the shard, if it exists.
     */
    Optional<Shard> findPrivate(String name);

    /**
     * Delete one of this owner's private shards, and everything in it, as {@link #delete}.
     *
     * @param name a private shard's name in this owner's namespace.
     * @return true if it existed.
     */
    boolean deletePrivate(String name);

    /**
     * @return the names of this owner's private shards, sorted.
     */
    List<String> listPrivate();

    /**
     * Adopt shards written by a version of RobustMQ that named shards freely, before shards had an
     * identity: each such shard on this node whose old name starts with {@code prefix} becomes this
     * owner's private shard of the same name, for good (the adoption is recorded on disk). Call it
     * before opening the private shards it may concern. Shards of the old kind that nobody adopts
     * stay on disk untouched, reported at start.
     *
     * @param prefix what the old names start with; not empty.
     * @return the names adopted by this call, sorted; empty if none (also when called again).
     */
    List<String> adoptLegacy(String prefix);

    /**
     * Register who is told about appends. Register once (per connection handler, event loop or
     * plugin) and pass the id to every {@link Shard#append}.
     *
     * @param callback told when appends complete.
     * @return the callback's id.
     */
    int register(AppendCallback callback);
}
