/**
 * The Meta Service: cluster metadata as a deterministic state machine, to be replicated by Aeron
 * Cluster. {@code io.robustmq.meta.state} holds the state machine, its commands and its snapshot
 * codecs (SBE schema {@code meta-schema.xml}, id 201); the clustered service, the embedded
 * cluster member and the client arrive next. Until then the kernel's MetaService component runs
 * standalone and says so in {@code /v1/node}.
 */
package io.robustmq.meta;
