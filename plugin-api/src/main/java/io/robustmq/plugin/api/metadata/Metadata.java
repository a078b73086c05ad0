package io.robustmq.plugin.api.metadata;

import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionStage;
import java.util.function.Consumer;

/**
 * The Meta Service's client, lent to plugins by {@link io.robustmq.plugin.api.PluginContext#metadata()}.
 * <p>
 * Reads are answered at once from this node's copy of the metadata, which trails the cluster's
 * leader by the time it takes to apply what the leader committed. Writes complete once the cluster
 * has committed them, exceptionally with a {@link MetadataException} saying why not; a write is
 * applied once even if a leader change makes the client send it again. Completions and watch
 * callbacks run on the Meta Service's threads, never on an event loop: hand work back to a channel's
 * event loop before touching its channel, and do not block in them.
 * <p>
 * Thread-safe.
 */
public interface Metadata
{
    /**
     * @param name a topic's name.
     * @return the topic, or empty.
     */
    Optional<TopicInfo> topic(String name);

    /**
     * @return every topic, by name.
     */
    List<TopicInfo> topics();

    /**
     * Create a topic; its shards are placed at once (see docs/cluster.md, "Placement").
     *
     * @param spec what to create.
     * @return the topic as created; fails with ALREADY_EXISTS or INVALID.
     */
    CompletionStage<TopicInfo> createTopic(TopicSpec spec);

    /**
     * Change a topic: add shards (placed at once, as a new topic's are), or replace its retention
     * limits. The storage applies new limits to the topic's open shards.
     *
     * @param change what to change.
     * @return the topic as changed; fails with NOT_FOUND, or INVALID for fewer partitions than it has.
     */
    CompletionStage<TopicInfo> alterTopic(TopicChange change);

    /**
     * @param name a topic's name.
     * @return done once deleted; fails with NOT_FOUND.
     */
    CompletionStage<Void> deleteTopic(String name);

    /**
     * @param topic     a topic's name.
     * @param partition a shard's index, from 0.
     * @return the shard, or empty if the topic has no such shard.
     */
    Optional<ShardInfo> shard(String topic, int partition);

    /**
     * @param topic a topic's name.
     * @return its shards by partition, or empty.
     */
    List<ShardInfo> shards(String topic);

    /**
     * @return every node the cluster knows, by id.
     */
    List<NodeInfo> nodes();

    /**
     * @param name a consumer group's name.
     * @return the group, or empty.
     */
    Optional<GroupInfo> group(String name);

    /**
     * @return every consumer group, by name.
     */
    List<GroupInfo> groups();

    /**
     * Register a consumer group, or confirm it.
     *
     * @param name     the group's name.
     * @param protocol the protocol that owns it ({@code kafka}, {@code mqtt}, {@code amqp}).
     * @return done once registered (also if it was, for the same protocol); fails with ALREADY_EXISTS
     * if another protocol owns the name, or INVALID.
     */
    CompletionStage<GroupInfo> registerGroup(String name, String protocol);

    /**
     * @param name a consumer group's name.
     * @return done once forgotten; fails with NOT_FOUND.
     */
    CompletionStage<Void> deleteGroup(String name);

    /**
     * Check a password offered in plain (MQTT's CONNECT, SASL PLAIN). It derives a key with PBKDF2
     * (a few milliseconds of CPU): call it off the event loops.
     *
     * @param user     the user's name.
     * @param password the password offered.
     * @return true if the user exists and the password is theirs.
     */
    boolean checkPassword(String user, char[] password);

    /**
     * @param user      the user's name.
     * @param mechanism {@code SCRAM-SHA-256} or {@code SCRAM-SHA-512}.
     * @return the user's credential for that mechanism, for a SCRAM exchange, or empty.
     */
    Optional<ScramCredentialInfo> scramCredential(String user, String mechanism);

    /**
     * Decide a request by the cluster's ACL rules: a matching DENY refuses, else a matching ALLOW
     * permits, else a resource no rule covers follows the cluster setting {@code acl.allow_if_no_rule}.
     *
     * @param user      who asks (an authenticated user's name).
     * @param operation what for.
     * @param resource  the kind of resource.
     * @param name      its name.
     * @return true if allowed.
     */
    default boolean allowed(final String user, final AclOperation operation, final AclResource resource,
        final String name)
    {
        return allowed(user, "", operation, resource, name);
    }

    /**
     * As {@link #allowed(String, AclOperation, AclResource, String)}, for a protocol whose clients
     * have ids: a rule's resource name may hold {@code %u} and {@code %c}, replaced by the user's
     * name and the client's id (a rule with {@code %u} does not cover an anonymous client).
     *
     * @param user      who asks, or empty for an anonymous client.
     * @param clientId  the client's id.
     * @param operation what for.
     * @param resource  the kind of resource.
     * @param name      its name.
     * @return true if allowed.
     */
    boolean allowed(String user, String clientId, AclOperation operation, AclResource resource, String name);

    /**
     * @return every ACL rule of the cluster, in a fixed order.
     */
    List<AclRuleInfo> acls();

    /**
     * Add an ACL rule.
     *
     * @param rule the rule; its principal and resource name are 1 to 249 characters.
     * @return done once {@link #acls()} holds it (also if it was there already); fails with INVALID.
     */
    CompletionStage<Void> addAcl(AclRuleInfo rule);

    /**
     * Remove an ACL rule.
     *
     * @param rule the rule, every field as it was added.
     * @return done once {@link #acls()} no longer holds it; fails with NOT_FOUND if there was no such rule.
     */
    CompletionStage<Void> removeAcl(AclRuleInfo rule);

    /**
     * @param key a cluster setting ({@code replication_factor}, {@code acl.allow_if_no_rule}).
     * @return its value, or its default; empty for an unknown key.
     */
    Optional<String> clusterSetting(String key);

    /**
     * Read a plugin's control-plane object (see {@link ObjectInfo}) from this node's copy.
     *
     * @param owner the plugin whose namespace holds it ({@code amqp}).
     * @param kind  its kind ({@code exchange}, {@code queue}, {@code binding}).
     * @param name  its name.
     * @return the object, or empty.
     */
    Optional<ObjectInfo> object(String owner, String kind, String name);

    /**
     * @param owner the plugin whose namespace holds them.
     * @param kind  their kind.
     * @return every object of that owner and kind, sorted by name.
     */
    List<ObjectInfo> objects(String owner, String kind);

    /**
     * Create or replace an object, checking its version first (compare-and-set). Limits: see
     * {@link ObjectInfo}; the cluster refuses what exceeds them with INVALID.
     *
     * @param owner           the plugin whose namespace holds it.
     * @param kind            its kind.
     * @param name            its name.
     * @param value           its bytes, at most {@value ObjectInfo#MAX_VALUE_BYTES}; copied at once.
     * @param expectedVersion {@link ObjectInfo#ABSENT}: create only, ALREADY_EXISTS if it exists;
     *                        {@link ObjectInfo#ANY}: create or replace, no check; {@code n > 0}: replace
     *                        version n only, NOT_FOUND if there is no object, CONFLICT if it is at
     *                        another version.
     * @return the object as stored, with its new version (1 when created, one more when replaced),
     * once this node's copy has applied the write (a read right after sees it, or a later write);
     * fails with ALREADY_EXISTS, NOT_FOUND, CONFLICT, INVALID or UNAVAILABLE.
     */
    CompletionStage<ObjectInfo> putObject(String owner, String kind, String name, byte[] value, long expectedVersion);

    /**
     * Delete an object, checking its version first.
     *
     * @param owner           the plugin whose namespace holds it.
     * @param kind            its kind.
     * @param name            its name.
     * @param expectedVersion {@link ObjectInfo#ANY}: no check; {@code n > 0}: delete version n only,
     *                        CONFLICT if it is at another ({@link ObjectInfo#ABSENT} is INVALID here).
     * @return done once this node's copy has applied the deletion; fails with NOT_FOUND if there is no
     * such object, CONFLICT, INVALID or UNAVAILABLE.
     */
    CompletionStage<Void> deleteObject(String owner, String kind, String name, long expectedVersion);

    /**
     * Watch a topic: told its state now, then each time it changes (created, deleted, altered).
     * Callbacks see the latest state, not necessarily every state in between.
     *
     * @param name     the topic's name.
     * @param listener told the topic, or empty once there is none.
     * @return the watch; close it to stop.
     */
    Watch watchTopic(String name, Consumer<Optional<TopicInfo>> listener);

    /**
     * Watch a shard's leadership: told the shard now, then each time its leader or epoch changes.
     *
     * @param topic     the topic's name.
     * @param partition the shard's index.
     * @param listener  told the shard, or empty once there is none.
     * @return the watch; close it to stop.
     */
    Watch watchShard(String topic, int partition, Consumer<Optional<ShardInfo>> listener);

    /**
     * Watch membership: told the nodes now, then each time one joins, goes down or comes back.
     *
     * @param listener told every node, by id.
     * @return the watch; close it to stop.
     */
    Watch watchNodes(Consumer<List<NodeInfo>> listener);

    /**
     * Watch an owner's objects, of every kind: the listener is told each object that exists now, one
     * change each (by kind, then name), then every later change, one at a time, in the order the
     * cluster applied them (a replacement is told with its new version, a deletion with an empty
     * object). Unlike the other watches, changes are not coalesced; only a listener that falls
     * thousands of changes behind is told, for each object that changed meanwhile, its latest state
     * instead. Callbacks run on the Meta Service's watch thread, one at a time: return quickly.
     *
     * @param owner    the plugin whose namespace to watch.
     * @param listener told each change.
     * @return the watch; close it to stop.
     */
    Watch watchObjects(String owner, Consumer<ObjectChange> listener);
}
