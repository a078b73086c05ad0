/**
 * The Meta Service: cluster metadata as a deterministic state machine replicated by Aeron Cluster.
 * Empty until the meta-service issue lands; until then the kernel's MetaService component runs
 * standalone and says so in {@code /v1/node}.
 */
package io.robustmq.meta;
