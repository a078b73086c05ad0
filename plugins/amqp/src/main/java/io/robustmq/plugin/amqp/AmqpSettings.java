package io.robustmq.plugin.amqp;

import io.robustmq.plugin.api.ConfigurationException;
import io.robustmq.plugin.api.PluginConfig;

/**
 * The AMQP plugin's settings, read once from {@code [plugins.amqp]}.
 *
 * @param frameMax                 the largest frame, in bytes, the server offers in connection.tune
 *                                 (RabbitMQ's {@code frame_max}); a client may choose less. A larger
 *                                 frame closes the connection (501) before anything is allocated for it.
 * @param channelMax               the most channels a connection may open, offered in connection.tune.
 * @param heartbeatSeconds         the heartbeat interval the server offers; the client's choice in
 *                                 connection.tune-ok wins (0: none). A connection that sends nothing
 *                                 for two intervals is closed.
 * @param handshakeTimeoutMs       how long a client has from its first byte to connection.open-ok.
 * @param guest                    where the built-in user {@code guest} (password {@code guest}) may
 *                                 log in from, as RabbitMQ's default user does: only when the cluster
 *                                 has no user named {@code guest}.
 * @param maxPendingPasswordChecks logins waiting for a password check at once; one more is refused.
 * @param clusterName              the cluster name clients are told (RabbitMQ's {@code cluster_name}).
 * @param maxMessageBytes          the largest message body accepted (RabbitMQ's {@code max_message_size});
 *                                 a larger one closes its channel (406) before its body takes memory.
 */
public record AmqpSettings(
    int frameMax,
    int channelMax,
    int heartbeatSeconds,
    long handshakeTimeoutMs,
    Guest guest,
    int maxPendingPasswordChecks,
    String clusterName,
    int maxMessageBytes)
{
    /**
     * Where the built-in {@code guest} user may log in from.
     */
    public enum Guest
    {
        /** Nowhere: there is no built-in guest. */
        NEVER,
        /** A loopback address (this machine) only, as RabbitMQ's {@code loopback_users}. */
        LOOPBACK,
        /** Anywhere. */
        ALWAYS
    }

    /** The least frame-max AMQP 0-9-1 allows (frame-min-size). */
    public static final int MIN_FRAME_MAX = 4096;

    /**
     * @param config the plugin's section.
     * @return the settings, defaults filled in.
     * @throws ConfigurationException naming a key that is wrong.
     */
    public static AmqpSettings read(final PluginConfig config)
    {
        final String guest = config.getString("guest", "loopback");
        final Guest where = switch (guest)
        {
            case "false" -> Guest.NEVER;
            case "loopback" -> Guest.LOOPBACK;
            case "true" -> Guest.ALWAYS;
            default -> throw new ConfigurationException(config.prefix() + ".guest",
                "must be true, false or loopback, got '" + guest + "'");
        };
        final String clusterName = config.getString("cluster_name", "robustmq");
        if (clusterName.isBlank())
        {
            throw new ConfigurationException(config.prefix() + ".cluster_name", "must not be empty");
        }
        return new AmqpSettings(
            config.getInt("frame_max", 131_072, MIN_FRAME_MAX, 16 * 1024 * 1024),
            config.getInt("channel_max", 2047, 1, 65_535),
            config.getInt("heartbeat_s", 60, 0, 3600),
            config.getLong("handshake_timeout_ms", 10_000, 100, 3_600_000),
            where,
            config.getInt("max_pending_password_checks", 1024, 1, 1_000_000),
            clusterName,
            config.getInt("max_message_bytes", 16 * 1024 * 1024, 0, 512 * 1024 * 1024));
    }
}
