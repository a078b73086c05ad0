package io.robustmq.plugin.mqtt.topic;

/**
 * A test subscriber: equal by {@code id} only, so that a later {@code version} replaces an earlier
 * one.
 */
final class Subscriber
{
    final int id;
    final int version;

    Subscriber(final int id, final int version)
    {
        this.id = id;
        this.version = version;
    }

    Subscriber(final int id)
    {
        this(id, 0);
    }

    @Override
    public boolean equals(final Object other)
    {
        return other instanceof Subscriber subscriber && subscriber.id == id;
    }

    @Override
    public int hashCode()
    {
        return Integer.hashCode(id);
    }

    @Override
    public String toString()
    {
        return id + "v" + version;
    }
}
