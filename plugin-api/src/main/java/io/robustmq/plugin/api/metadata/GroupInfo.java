package io.robustmq.plugin.api.metadata;

/**
 * A consumer group in the registry (its offsets are the protocol's to store).
 *
 * @param name     its name.
 * @param protocol the protocol that owns it.
 */
public record GroupInfo(String name, String protocol)
{
}
