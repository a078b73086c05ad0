/**
 * The Storage Adapter as a plugin sees it: shards to append batches to and read them back from,
 * whatever engine (journal, memory) stores them. Every protocol keeps its messages here.
 */
package io.robustmq.plugin.api.storage;
