package io.robustmq.plugin.mqtt.broker;

/**
 * What the subscription index holds under a filter: an ordinary subscription, or a share group
 * that hands each message to one of its members.
 */
public interface Target
{
    /**
     * Say which sessions are to receive a message, and how. Called on the publisher's event loop,
     * concurrently with other publishers: it must not block.
     *
     * @param message the message.
     * @param routes  takes the deliveries.
     */
    void route(Message message, Routes routes);
}
