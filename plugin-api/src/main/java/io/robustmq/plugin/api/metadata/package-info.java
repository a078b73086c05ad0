/**
 * The cluster's metadata as a plugin sees it: topics and their shards (with each shard's leader),
 * nodes, the consumer-group registry, users' credentials and ACL decisions, cluster settings,
 * plugins' control-plane objects ({@link io.robustmq.plugin.api.metadata.ObjectInfo}), and watches on
 * what changes. Reads answer from the node's local copy, kept current by the Meta
 * Service; writes go through the cluster and complete once it has committed them.
 */
package io.robustmq.plugin.api.metadata;
