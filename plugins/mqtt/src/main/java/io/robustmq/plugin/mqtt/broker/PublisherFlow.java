package io.robustmq.plugin.mqtt.broker;

/**
 * A publisher's connection as routing sees it: told when a subscriber it just gave a message to has
 * fallen behind (its client is connected and half of {@code max_queued_messages} waits for it), so
 * that it stops reading from its client until that subscriber catches up
 * ({@link Session#whenCaughtUp}). This slows publishers down to what their subscribers take,
 * rather than dropping messages once a queue is full.
 */
public interface PublisherFlow
{
    /**
     * Called on the publisher's event loop, during routing.
     *
     * @param subscriber the session that has fallen behind.
     */
    void subscriberBehind(Session subscriber);
}
