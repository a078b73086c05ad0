package io.robustmq.plugin.mqtt.connection;

import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageIdAndPropertiesVariableHeader;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttPubReplyMessageVariableHeader;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.handler.codec.mqtt.MqttReasonCodeAndPropertiesVariableHeader;
import io.netty.handler.codec.mqtt.MqttSubAckMessage;
import io.netty.handler.codec.mqtt.MqttSubAckPayload;
import io.netty.handler.codec.mqtt.MqttUnsubAckMessage;
import io.netty.handler.codec.mqtt.MqttUnsubAckPayload;

/**
 * Builds the control packets the broker sends, for Netty's MQTT encoder (which writes the MQTT 5
 * reason codes and properties only on an MQTT 5 connection).
 */
final class Packets
{
    /** MQTT 5 reason codes the broker sends. */
    static final byte SUCCESS = 0x00;
    static final byte NO_MATCHING_SUBSCRIBERS = 0x10;
    static final byte NO_SUBSCRIPTION_EXISTED = 0x11;
    static final byte UNSPECIFIED_ERROR = (byte)0x80;
    static final byte MALFORMED_PACKET = (byte)0x81;
    static final byte PROTOCOL_ERROR = (byte)0x82;
    static final byte NOT_AUTHORIZED = (byte)0x87;
    static final byte KEEP_ALIVE_TIMEOUT = (byte)0x8D;
    static final byte SESSION_TAKEN_OVER = (byte)0x8E;
    static final byte TOPIC_FILTER_INVALID = (byte)0x8F;
    static final byte TOPIC_NAME_INVALID = (byte)0x90;
    static final byte PACKET_ID_NOT_FOUND = (byte)0x92;
    static final byte RECEIVE_MAXIMUM_EXCEEDED = (byte)0x93;
    static final byte TOPIC_ALIAS_INVALID = (byte)0x94;
    static final byte PACKET_TOO_LARGE = (byte)0x95;
    static final byte RETAIN_NOT_SUPPORTED = (byte)0x9A;
    static final byte QOS_NOT_SUPPORTED = (byte)0x9B;
    static final byte SHARED_SUBSCRIPTIONS_NOT_SUPPORTED = (byte)0x9E;
    static final byte SUBSCRIPTION_IDENTIFIERS_NOT_SUPPORTED = (byte)0xA1;
    static final byte WILDCARD_SUBSCRIPTIONS_NOT_SUPPORTED = (byte)0xA2;

    /** The SUBACK return code of MQTT 3 for a refused subscription. */
    static final int V3_SUBSCRIPTION_FAILED = 0x80;

    private Packets()
    {
    }

    private static MqttFixedHeader header(final MqttMessageType type, final MqttQoS qos)
    {
        return new MqttFixedHeader(type, false, qos, false, 0);
    }

    static MqttMessage pubReply(final MqttMessageType type, final int packetId, final byte reasonCode)
    {
        return new MqttMessage(header(type, type == MqttMessageType.PUBREL ? MqttQoS.AT_LEAST_ONCE : MqttQoS.AT_MOST_ONCE),
            new MqttPubReplyMessageVariableHeader(packetId, reasonCode, MqttProperties.NO_PROPERTIES));
    }

    static MqttSubAckMessage subAck(final int packetId, final int[] codes)
    {
        return new MqttSubAckMessage(header(MqttMessageType.SUBACK, MqttQoS.AT_MOST_ONCE),
            new MqttMessageIdAndPropertiesVariableHeader(packetId, MqttProperties.NO_PROPERTIES),
            new MqttSubAckPayload(codes));
    }

    static MqttUnsubAckMessage unsubAck(final int packetId, final short[] codes)
    {
        return new MqttUnsubAckMessage(header(MqttMessageType.UNSUBACK, MqttQoS.AT_MOST_ONCE),
            new MqttMessageIdAndPropertiesVariableHeader(packetId, MqttProperties.NO_PROPERTIES),
            codes == null ? null : new MqttUnsubAckPayload(codes));
    }

    static MqttMessage pingResp()
    {
        return new MqttMessage(header(MqttMessageType.PINGRESP, MqttQoS.AT_MOST_ONCE));
    }

    static MqttMessage disconnect(final byte reasonCode, final String reason)
    {
        final MqttProperties properties = new MqttProperties();
        if (reason != null)
        {
            properties.add(new MqttProperties.StringProperty(MqttProperties.REASON_STRING, reason));
        }
        return new MqttMessage(header(MqttMessageType.DISCONNECT, MqttQoS.AT_MOST_ONCE),
            new MqttReasonCodeAndPropertiesVariableHeader(reasonCode, properties));
    }

    /**
     * @param packet a PUBACK, PUBREC, PUBREL or PUBCOMP.
     * @return its packet id.
     */
    static int packetId(final io.netty.handler.codec.mqtt.MqttMessage packet)
    {
        final Object header = packet.variableHeader();
        if (header instanceof io.netty.handler.codec.mqtt.MqttPubReplyMessageVariableHeader reply)
        {
            return reply.messageId();
        }
        return ((io.netty.handler.codec.mqtt.MqttMessageIdVariableHeader)header).messageId();
    }
}
