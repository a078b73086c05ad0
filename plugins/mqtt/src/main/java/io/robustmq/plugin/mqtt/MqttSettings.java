package io.robustmq.plugin.mqtt;

import io.robustmq.plugin.api.ConfigurationException;
import io.robustmq.plugin.api.PluginConfig;

/**
 * The MQTT plugin's limits and features, read once from {@code [plugins.mqtt]}. Every limit is
 * enforced, and announced to MQTT 5 clients in CONNACK.
 *
 * @param maxPacketBytes       the largest packet a client may send (its Remaining Length plus the
 *                             fixed header); larger ones close the connection before they are read.
 * @param receiveMaximum       QoS 1 and 2 PUBLISH packets a client may have unacknowledged at once.
 * @param maxInflight          QoS 1 and 2 messages the broker sends a client before waiting for its
 *                             acknowledgements (lowered to the client's own Receive Maximum).
 * @param maxQueuedMessages    messages kept for a session while its client is away or its window is
 *                             full; beyond that, new messages for it are dropped (and counted).
 * @param maxQos               the highest QoS the broker accepts and grants.
 * @param retainAvailable      whether retained messages are kept.
 * @param wildcardSubscriptions whether filters may hold {@code +} and {@code #}.
 * @param sharedSubscriptions  whether {@code $share/group/filter} subscriptions are allowed.
 * @param subscriptionIdentifiers whether SUBSCRIBE may carry a Subscription Identifier.
 * @param topicAliasMaximum    topic aliases a client may define (0: none).
 * @param maxKeepAliveSeconds  the longest keep-alive granted; MQTT 5 clients asking for more (or for
 *                             none) are told this in Server Keep Alive, MQTT 3 clients are refused.
 * @param maxSessionExpirySeconds the longest session expiry granted.
 * @param maxClientIdLength    the longest client identifier accepted.
 * @param anonymous            who may connect without a user name.
 * @param sysIntervalSeconds   how often the {@code $SYS/brokers/...} statistics are published; 0: never.
 * @param certificateAsUsername on a TLS listener that asks for client certificates, a client that
 *                             presents a valid one is the user its certificate's CN names, without a
 *                             password (Mosquitto's {@code use_identity_as_username}).
 * @param persistence          whether sessions that outlive their connections, their QoS 1 and 2
 *                             messages and the retained messages are kept in the session log, and so
 *                             survive a restart.
 * @param checkpointBytes      a checkpoint of the session log is written once this many bytes were
 *                             logged since the last.
 * @param checkpointIntervalSeconds and at least this often while anything is logged.
 * @param connectTimeoutSeconds a connection that has not had its CONNECT accepted this long after
 *                             it opened is closed (a client that sends part of a CONNECT and stops).
 * @param publisherPauseMaxMs  a publisher whose subscriber has fallen behind stops being read until
 *                             it catches up, but at most this long; 0: publishers are never paused,
 *                             and messages beyond a full queue are dropped.
 * @param maxPendingPasswordChecks CONNECTs with a password waiting for their check (a key
 *                             derivation, milliseconds of CPU each, on one thread); a CONNECT beyond
 *                             them is refused at once with Server Busy (MQTT 3.1.1: Server
 *                             Unavailable).
 */
public record MqttSettings(
    int maxPacketBytes,
    int receiveMaximum,
    int maxInflight,
    int maxQueuedMessages,
    int maxQos,
    boolean retainAvailable,
    boolean wildcardSubscriptions,
    boolean sharedSubscriptions,
    boolean subscriptionIdentifiers,
    int topicAliasMaximum,
    int maxKeepAliveSeconds,
    long maxSessionExpirySeconds,
    int maxClientIdLength,
    Anonymous anonymous,
    int sysIntervalSeconds,
    boolean certificateAsUsername,
    boolean persistence,
    long checkpointBytes,
    int checkpointIntervalSeconds,
    long publisherPauseMaxMs,
    int connectTimeoutSeconds,
    int maxPendingPasswordChecks)
{
    /**
     * Who may connect without a user name.
     */
    public enum Anonymous
    {
        /** Nobody: every client must present a user name and password. */
        NEVER,
        /** Clients connecting from a loopback address (this machine) only. */
        LOOPBACK,
        /** Everybody. */
        ALWAYS
    }

    /** The MQTT protocol's own ceiling on a packet: 268,435,455 bytes of Remaining Length plus 5. */
    public static final int PROTOCOL_MAX_PACKET_BYTES = 268_435_460;

    /**
     * @param config the plugin's section.
     * @return the settings, defaults filled in.
     * @throws ConfigurationException naming a key that is wrong.
     */
    public static MqttSettings read(final PluginConfig config)
    {
        final String anonymous = config.getString("allow_anonymous", "loopback");
        final Anonymous who = switch (anonymous)
        {
            case "false" -> Anonymous.NEVER;
            case "loopback" -> Anonymous.LOOPBACK;
            case "true" -> Anonymous.ALWAYS;
            default -> throw new ConfigurationException(config.prefix() + ".allow_anonymous",
                "must be true, false or loopback, got '" + anonymous + "'");
        };
        return new MqttSettings(
            config.getInt("max_packet_bytes", 1024 * 1024, 64, PROTOCOL_MAX_PACKET_BYTES),
            config.getInt("receive_maximum", 1024, 1, 65535),
            config.getInt("max_inflight", 64, 1, 65535),
            config.getInt("max_queued_messages", 1000, 0, Integer.MAX_VALUE),
            config.getInt("max_qos", 2, 0, 2),
            config.getBoolean("retain_available", true),
            config.getBoolean("wildcard_subscriptions", true),
            config.getBoolean("shared_subscriptions", true),
            config.getBoolean("subscription_identifiers", true),
            config.getInt("topic_alias_maximum", 100, 0, 65535),
            config.getInt("max_keep_alive_s", 65535, 1, 65535),
            config.getLong("max_session_expiry_s", 4_294_967_295L, 0, 4_294_967_295L),
            config.getInt("max_client_id_length", 65535, 23, 65535),
            who,
            config.getInt("sys_interval_s", 10, 0, 86_400),
            config.getBoolean("certificate_as_username", false),
            config.getBoolean("persistence", true),
            config.getLong("checkpoint_bytes", 64L * 1024 * 1024, 1024, Long.MAX_VALUE),
            config.getInt("checkpoint_interval_s", 3600, 1, 7 * 86_400),
            config.getLong("publisher_pause_max_ms", 1000, 0, 60_000),
            config.getInt("connect_timeout_s", 10, 1, 3600),
            config.getInt("max_pending_password_checks", 1024, 1, 1_000_000));
    }
}
