package io.robustmq.plugin.mqtt.connection;

import io.netty.handler.codec.mqtt.MqttConnectMessage;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.robustmq.plugin.mqtt.MqttSettings;
import io.robustmq.plugin.mqtt.broker.Message;
import io.robustmq.plugin.mqtt.topic.TopicNames;

import java.util.function.LongSupplier;

/**
 * The broker's terms for a CONNECT, from its settings: the will a client may leave, the limits an
 * MQTT 5 CONNACK announces, and which keep-alives are too long. No state of a connection.
 */
public final class ConnectTerms
{
    private final MqttSettings settings;
    private final LongSupplier clock;

    /**
     * @param message      the will, published when the client leaves without DISCONNECT.
     * @param delaySeconds its Will Delay Interval.
     */
    record Will(Message message, long delaySeconds)
    {
    }

    /** A CONNECT refused with a reason code (MQTT 5) and a return code (MQTT 3). */
    static final class RefusedConnect extends Exception
    {
        private static final long serialVersionUID = 1L;
        private final transient MqttConnectReturnCode code;
        private final transient MqttConnectReturnCode v3Code;

        RefusedConnect(final MqttConnectReturnCode code, final MqttConnectReturnCode v3Code, final String why)
        {
            super(why, null, false, false);
            this.code = code;
            this.v3Code = v3Code;
        }

        MqttConnectReturnCode code()
        {
            return code;
        }

        /**
         * @return the MQTT 3 return code, or null for the closest to {@link #code()}.
         */
        MqttConnectReturnCode v3Code()
        {
            return v3Code;
        }
    }

    /**
     * @param settings the plugin's settings.
     * @param clock    wall-clock milliseconds (for a will's expiry).
     */
    public ConnectTerms(final MqttSettings settings, final LongSupplier clock)
    {
        this.settings = settings;
        this.clock = clock;
    }

    /**
     * @param connect a CONNECT with the will flag set.
     * @return its will.
     * @throws RefusedConnect if the broker does not take it (topic, QoS, retain).
     */
    Will will(final MqttConnectMessage connect) throws RefusedConnect
    {
        final String topic = connect.payload().willTopic();
        if (topic == null || !TopicNames.validName(topic))
        {
            throw new RefusedConnect(MqttConnectReturnCode.CONNECTION_REFUSED_TOPIC_NAME_INVALID, null,
                "invalid will topic");
        }
        final int qos = connect.variableHeader().willQos();
        if (qos > settings.maxQos())
        {
            throw new RefusedConnect(MqttConnectReturnCode.CONNECTION_REFUSED_QOS_NOT_SUPPORTED, null,
                "will QoS " + qos + " is above the broker's maximum of " + settings.maxQos());
        }
        final boolean retain = connect.variableHeader().isWillRetain();
        if (retain && !settings.retainAvailable())
        {
            throw new RefusedConnect(MqttConnectReturnCode.CONNECTION_REFUSED_RETAIN_NOT_SUPPORTED, null,
                "retained messages are not available");
        }
        final MqttProperties willProperties = connect.payload().willProperties();
        final Integer delay = intProperty(willProperties, MqttProperties.WILL_DELAY_INTERVAL);
        final Integer expiry = intProperty(willProperties, MqttProperties.PUBLICATION_EXPIRY_INTERVAL);
        final byte[] payload = connect.payload().willMessageInBytes();
        return new Will(new Message(topic, payload == null ? new byte[0] : payload, qos, retain,
            MessageProperties.forwarded(willProperties), expiryAt(expiry), connect.payload().clientIdentifier()),
            delay == null ? 0 : delay & 0xFFFF_FFFFL);
    }

    /**
     * @param remote the client's address.
     * @return true if a client from there may connect without a user name ({@code allow_anonymous}).
     */
    boolean anonymousAllowed(final java.net.SocketAddress remote)
    {
        return switch (settings.anonymous())
        {
            case ALWAYS -> true;
            case NEVER -> false;
            case LOOPBACK -> remote instanceof java.net.InetSocketAddress address &&
                address.getAddress() != null && address.getAddress().isLoopbackAddress();
        };
    }

    /**
     * @param expirySeconds a Message Expiry Interval, or null.
     * @return when a message with it expires, epoch ms; 0 for never.
     */
    long expiryAt(final Integer expirySeconds)
    {
        return expirySeconds == null ? 0 : clock.getAsLong() + (expirySeconds & 0xFFFF_FFFFL) * 1000;
    }

    /**
     * Add to an MQTT 5 CONNACK every limit the broker holds its clients to.
     *
     * @param ack the CONNACK's properties.
     */
    void announceLimits(final MqttProperties ack)
    {
        ack.add(new MqttProperties.IntegerProperty(MqttProperties.RECEIVE_MAXIMUM, settings.receiveMaximum()));
        if (settings.maxQos() < 2)
        {
            ack.add(new MqttProperties.IntegerProperty(MqttProperties.MAXIMUM_QOS, settings.maxQos()));
        }
        ack.add(new MqttProperties.IntegerProperty(MqttProperties.RETAIN_AVAILABLE, settings.retainAvailable() ? 1 : 0));
        ack.add(new MqttProperties.IntegerProperty(MqttProperties.MAXIMUM_PACKET_SIZE, settings.maxPacketBytes()));
        ack.add(new MqttProperties.IntegerProperty(MqttProperties.TOPIC_ALIAS_MAXIMUM, settings.topicAliasMaximum()));
        ack.add(new MqttProperties.IntegerProperty(MqttProperties.WILDCARD_SUBSCRIPTION_AVAILABLE,
            settings.wildcardSubscriptions() ? 1 : 0));
        ack.add(new MqttProperties.IntegerProperty(MqttProperties.SUBSCRIPTION_IDENTIFIER_AVAILABLE,
            settings.subscriptionIdentifiers() ? 1 : 0));
        ack.add(new MqttProperties.IntegerProperty(MqttProperties.SHARED_SUBSCRIPTION_AVAILABLE,
            settings.sharedSubscriptions() ? 1 : 0));
    }

    /**
     * A keep-alive of 0 (none) exceeds a configured maximum; with the default maximum, 65,535 s,
     * there is no limit and 0 is accepted as it stands.
     */
    boolean exceedsMaxKeepAlive(final int keepAlive)
    {
        final int max = settings.maxKeepAliveSeconds();
        return keepAlive > max || (keepAlive == 0 && max < 65535);
    }

    /**
     * @param properties a packet's properties, or null.
     * @param id         a property holding an integer.
     * @return its value, or null if the packet has none.
     */
    static Integer intProperty(final MqttProperties properties, final int id)
    {
        if (properties == null)
        {
            return null;
        }
        final MqttProperties.MqttProperty<?> property = properties.getProperty(id);
        return property == null ? null : (Integer)property.value();
    }

    /**
     * @param code   an MQTT 5 reason code.
     * @param v3Code the MQTT 3 return code chosen for it, or null.
     * @return the MQTT 3 return code to send: the one chosen, else the reason code itself if MQTT 3
     * has it, else "identifier rejected".
     */
    static MqttConnectReturnCode v3(final MqttConnectReturnCode code, final MqttConnectReturnCode v3Code)
    {
        if (v3Code != null)
        {
            return v3Code;
        }
        return (code.byteValue() & 0xFF) < 0x80 ? code : MqttConnectReturnCode.CONNECTION_REFUSED_IDENTIFIER_REJECTED;
    }
}
