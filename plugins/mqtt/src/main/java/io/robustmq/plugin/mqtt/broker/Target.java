package io.robustmq.plugin.mqtt.broker;

/**
 * What the subscription index holds under a filter: an ordinary subscription, or a share group
 * that hands each message to one of its members.
 */
public interface Target
{
    /**
     * Hand a message on. Called on the publisher's event loop, concurrently with other publishers:
     * it must not block.
     *
     * @param message the message.
     */
    void deliver(Message message);
}
