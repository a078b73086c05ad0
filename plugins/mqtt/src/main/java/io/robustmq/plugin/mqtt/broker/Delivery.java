package io.robustmq.plugin.mqtt.broker;

/**
 * One message on its way to one session, with what that subscription makes of it.
 *
 * @param message        the message.
 * @param qos            the QoS it is delivered with: the lower of the published and the granted.
 * @param retain         the RETAIN flag it is delivered with.
 * @param subscriptionId the subscription's identifier, or 0.
 * @param shareGroup     the share group it was given to this session by, or null: a shared delivery
 *                       not yet acknowledged goes to another member when this one disconnects.
 */
public record Delivery(Message message, int qos, boolean retain, int subscriptionId, ShareGroup shareGroup)
{
}
