package io.robustmq.meta.state;

/**
 * A consumer group in the registry: that it exists and which protocol owns it, not its offsets
 * (those live in the shards, written by the protocol).
 *
 * @param name      the group's name.
 * @param protocol  the protocol that owns it: {@code kafka}, {@code mqtt} or {@code amqp}.
 * @param createdAt cluster time of its registration, ms.
 */
public record GroupRecord(String name, String protocol, long createdAt)
{
}
