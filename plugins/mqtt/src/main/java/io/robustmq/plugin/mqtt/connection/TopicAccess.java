package io.robustmq.plugin.mqtt.connection;

/**
 * Whether a client may publish to a topic or subscribe to a filter: the cluster's ACL rules for
 * topics, with {@code %u} and {@code %c} put in. Answered from memory, on the event loop.
 */
public interface TopicAccess
{
    /**
     * @param user     the client's user name, or empty if anonymous.
     * @param clientId its client id.
     * @param topic    a topic name.
     * @return true if it may publish there (the WRITE operation).
     */
    boolean mayPublish(String user, String clientId, String topic);

    /**
     * @param user     the client's user name, or empty if anonymous.
     * @param clientId its client id.
     * @param filter   a topic filter, {@code $share/group/} removed.
     * @return true if it may subscribe to it (the READ operation on the filter as written).
     */
    boolean maySubscribe(String user, String clientId, String filter);
}
