package io.robustmq.plugin.mqtt.connection;

import io.netty.buffer.ByteBufUtil;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.DecoderResult;
import io.netty.handler.codec.mqtt.MqttConnAckMessage;
import io.netty.handler.codec.mqtt.MqttConnectMessage;
import io.netty.handler.codec.mqtt.MqttConnectReturnCode;
import io.netty.handler.codec.mqtt.MqttFixedHeader;
import io.netty.handler.codec.mqtt.MqttIdentifierRejectedException;
import io.netty.handler.codec.mqtt.MqttMessage;
import io.netty.handler.codec.mqtt.MqttMessageBuilders;
import io.netty.handler.codec.mqtt.MqttMessageType;
import io.netty.handler.codec.mqtt.MqttProperties;
import io.netty.handler.codec.mqtt.MqttPublishMessage;
import io.netty.handler.codec.mqtt.MqttReasonCodeAndPropertiesVariableHeader;
import io.netty.handler.codec.mqtt.MqttSubscribeMessage;
import io.netty.handler.codec.mqtt.MqttTopicSubscription;
import io.netty.handler.codec.mqtt.MqttUnacceptableProtocolVersionException;
import io.netty.handler.codec.mqtt.MqttUnsubscribeMessage;
import io.robustmq.plugin.mqtt.MqttSettings;
import io.robustmq.plugin.mqtt.broker.Link;
import io.robustmq.plugin.mqtt.broker.Message;
import io.robustmq.plugin.mqtt.broker.MqttBroker;
import io.robustmq.plugin.mqtt.broker.PublisherFlow;
import io.robustmq.plugin.mqtt.broker.Session;
import io.robustmq.plugin.mqtt.broker.Subscription;
import io.robustmq.plugin.mqtt.persistence.LogRecord;
import io.robustmq.plugin.mqtt.persistence.SessionLog;
import io.robustmq.plugin.mqtt.topic.SharedSubscription;
import io.robustmq.plugin.mqtt.topic.TopicNames;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/**
 * One MQTT connection (3.1, 3.1.1 or 5.0), after Netty's decoder: CONNECT and its checks, then
 * every packet of the session, answered per the specification of the version the client spoke.
 * Protocol violations close the connection; on MQTT 5 a DISCONNECT with the reason code goes first.
 * <p>
 * Threading: packets arrive on the channel's event loop. Deliveries are written by the session
 * from any thread; they are flushed once per turn of the event loop, not once per message.
 */
public final class MqttConnection extends ChannelInboundHandlerAdapter implements Link, PublisherFlow
{
    private static final Logger LOG = LoggerFactory.getLogger(MqttConnection.class);
    private static final int MQTT_5 = 5;
    private static final int MQTT_3_1 = 3;
    private static final long NO_EXPIRY = 0xFFFF_FFFFL;
    /** How long a server DISCONNECT may take to leave before the connection is closed regardless. */
    private static final long DISCONNECT_GRACE_MS = 1_000;
    /** Where Netty's MQTT decoder keeps the version a CONNECT announced. */
    private static final io.netty.util.AttributeKey<io.netty.handler.codec.mqtt.MqttVersion> MQTT_VERSION =
        io.netty.util.AttributeKey.valueOf("NETTY_CODEC_MQTT_VERSION");

    private enum State
    {
        AWAITING_CONNECT, AUTHENTICATING, CONNECTED, CLOSED
    }

    private final KeepAlives keepAlives;
    private final ConnectTerms terms;
    private final SubscribeTerms subscribeTerms;
    private final MqttBroker broker;
    private final MqttSettings settings;
    private final ConnectPasswordCheck passwordCheck;
    private final TopicAccess access;
    /** 1 while a flush is queued on the event loop (a field, not an AtomicBoolean: one object less per connection). */
    private volatile int flushScheduled;
    private static final java.util.concurrent.atomic.AtomicIntegerFieldUpdater<MqttConnection> FLUSH_SCHEDULED =
        java.util.concurrent.atomic.AtomicIntegerFieldUpdater.newUpdater(MqttConnection.class, "flushScheduled");
    private final Runnable flush = this::flushNow;
    private PublishAcks acks;
    /** Back-pressure: the subscribers waited on, and the packets read meanwhile. */
    private final PausedReads paused = new PausedReads();

    private ChannelHandlerContext ctx;
    private Channel channel;
    private State state = State.AWAITING_CONNECT;
    private int version;
    private String clientId;
    private String user = "";
    private Session session;
    private ConnectTerms.Will will;
    private boolean sessionExpiryWasZero;
    private String[] inboundAliases;
    private Outbound outbound;

    /**
     * @param broker         the node's MQTT broker.
     * @param passwords      checks user names and passwords.
     * @param access         the ACL decisions for topics.
     * @param keepAlives     checks the connection's keep-alive.
     * @param terms          the broker's terms for a CONNECT (shared by every connection).
     * @param subscribeTerms the broker's terms for a SUBSCRIBE's filters (shared likewise).
     */
    public MqttConnection(final MqttBroker broker, final PasswordCheck passwords, final TopicAccess access,
        final KeepAlives keepAlives, final ConnectTerms terms, final SubscribeTerms subscribeTerms)
    {
        this.broker = broker;
        this.keepAlives = keepAlives;
        this.settings = broker.settings();
        this.terms = terms;
        this.subscribeTerms = subscribeTerms;
        this.passwordCheck = new ConnectPasswordCheck(passwords);
        this.access = access;
    }

    @Override
    public void handlerAdded(final ChannelHandlerContext ctx)
    {
        this.ctx = ctx;
        this.channel = ctx.channel();
        this.outbound = new Outbound(channel, () ->
        {
            final Session attached = session;
            if (attached != null)
            {
                attached.linkWritable(this);
            }
        });
        this.acks = new PublishAcks(channel, this::scheduleFlush, this::notStored);
        // Until CONNECT is accepted, the same watch bounds how long a connection may take to send it.
        keepAliveTimeoutNanos = TimeUnit.SECONDS.toNanos(settings.connectTimeoutSeconds());
        lastPacketNanos = System.nanoTime();
        keepAlives.watch(this, channel.eventLoop());
    }

    @Override
    public void channelRead(final ChannelHandlerContext ctx, final Object msg)
    {
        if (!(msg instanceof MqttMessage packet))
        {
            io.netty.util.ReferenceCountUtil.release(msg);
            return;
        }
        if (keepAliveWatched)
        {
            lastPacketNanos = System.nanoTime();
        }
        if (!paused.keep(packet))
        {
            handle(ctx, packet);
        }
    }

    private void handle(final ChannelHandlerContext ctx, final MqttMessage packet)
    {
        final Object msg = packet;
        try
        {
            if (state == State.CLOSED)
            {
                return;
            }
            final DecoderResult result = packet.decoderResult();
            if (result != null && result.isFailure())
            {
                malformed(result.cause());
                return;
            }
            final MqttMessageType type = packet.fixedHeader().messageType();
            if (state == State.AWAITING_CONNECT)
            {
                if (type == MqttMessageType.CONNECT)
                {
                    connect((MqttConnectMessage)packet);
                }
                else
                {
                    close("a " + type + " before CONNECT");
                }
                return;
            }
            if (state == State.AUTHENTICATING)
            {
                close("a " + type + " before CONNACK");
                return;
            }
            switch (type)
            {
                case PUBLISH -> publish((MqttPublishMessage)packet);
                case PUBACK -> puback(Packets.packetId(packet));
                case PUBREC -> pubrec(Packets.packetId(packet));
                case PUBREL -> pubrel(Packets.packetId(packet));
                case PUBCOMP -> pubcomp(Packets.packetId(packet));
                case SUBSCRIBE -> subscribe((MqttSubscribeMessage)packet);
                case UNSUBSCRIBE -> unsubscribe((MqttUnsubscribeMessage)packet);
                case PINGREQ -> ctx.writeAndFlush(Packets.pingResp());
                case DISCONNECT -> disconnect(packet);
                case CONNECT -> protocolError("a second CONNECT");
                case AUTH -> protocolError("AUTH without an authentication method in CONNECT");
                default -> protocolError("a " + type + " from a client");
            }
        }
        finally
        {
            io.netty.util.ReferenceCountUtil.release(msg);
        }
    }

    // ------------------------------------------------------------------ CONNECT

    private void connect(final MqttConnectMessage connect)
    {
        version = connect.variableHeader().version();
        acks.mqtt5(version == MQTT_5);
        final MqttProperties properties = connect.variableHeader().properties();
        final String requestedId = connect.payload().clientIdentifier();
        final boolean cleanStart = connect.variableHeader().isCleanSession();
        final int keepAlive = connect.variableHeader().keepAliveTimeSeconds();

        if (version == MQTT_5)
        {
            if (properties.getProperty(MqttProperties.AUTHENTICATION_METHOD) != null)
            {
                refuse(MqttConnectReturnCode.CONNECTION_REFUSED_BAD_AUTHENTICATION_METHOD, null,
                    "no enhanced authentication method is supported");
                return;
            }
            final Integer receiveMaximum = ConnectTerms.intProperty(properties, MqttProperties.RECEIVE_MAXIMUM);
            final Integer maxPacket = ConnectTerms.intProperty(properties, MqttProperties.MAXIMUM_PACKET_SIZE);
            if ((receiveMaximum != null && receiveMaximum == 0) || (maxPacket != null && maxPacket == 0))
            {
                refuse(MqttConnectReturnCode.CONNECTION_REFUSED_PROTOCOL_ERROR, null,
                    "Receive Maximum and Maximum Packet Size must not be 0");
                return;
            }
        }
        if (requestedId.isEmpty() && (version == MQTT_3_1 || (version != MQTT_5 && !cleanStart)))
        {
            refuse(MqttConnectReturnCode.CONNECTION_REFUSED_IDENTIFIER_REJECTED, null,
                "an empty client id needs a clean session");
            return;
        }
        if (version != MQTT_5 && terms.exceedsMaxKeepAlive(keepAlive))
        {
            refuse(MqttConnectReturnCode.CONNECTION_REFUSED_IDENTIFIER_REJECTED, null,
                "keep-alive " + keepAlive + " s is beyond the broker's maximum of " + settings.maxKeepAliveSeconds() + " s");
            return;
        }
        final ConnectTerms.Will newWill;
        try
        {
            newWill = connect.variableHeader().isWillFlag() ? terms.will(connect) : null;
        }
        catch (final ConnectTerms.RefusedConnect refused)
        {
            refuse(refused.code(), refused.v3Code(), refused.getMessage());
            return;
        }

        final String certified = settings.certificateAsUsername() ? ClientCertificates.commonName(channel) : null;
        if (certified != null)
        {
            user = certified;
            accept(connect, requestedId, newWill);
            return;
        }
        final String userName = connect.variableHeader().hasUserName() ? connect.payload().userName() : null;
        final byte[] password = connect.variableHeader().hasPassword() ? connect.payload().passwordInBytes() : null;
        if (userName == null)
        {
            if (password != null || !terms.anonymousAllowed(channel.remoteAddress()))
            {
                refuse(MqttConnectReturnCode.CONNECTION_REFUSED_BAD_USERNAME_OR_PASSWORD,
                    MqttConnectReturnCode.CONNECTION_REFUSED_NOT_AUTHORIZED, "a user name is required");
                return;
            }
            accept(connect, requestedId, newWill);
            return;
        }
        state = State.AUTHENTICATING;
        channel.config().setAutoRead(false);
        passwordCheck.start(userName, password == null ? new byte[0] : password, ctx.executor(), (verdict, detail) ->
        {
            channel.config().setAutoRead(true);
            if (state != State.AUTHENTICATING)
            {
                return;
            }
            switch (verdict)
            {
                case BUSY -> refuse(MqttConnectReturnCode.CONNECTION_REFUSED_SERVER_BUSY,
                    MqttConnectReturnCode.CONNECTION_REFUSED_SERVER_UNAVAILABLE, "server busy: " + detail);
                case REFUSED -> refuse(MqttConnectReturnCode.CONNECTION_REFUSED_BAD_USERNAME_OR_PASSWORD,
                    MqttConnectReturnCode.CONNECTION_REFUSED_BAD_USER_NAME_OR_PASSWORD, detail);
                default ->
                {
                    user = userName;
                    accept(connect, requestedId, newWill);
                }
            }
        });
    }

    private void accept(final MqttConnectMessage connect, final String requestedId, final ConnectTerms.Will newWill)
    {
        if (!channel.isActive())
        {
            state = State.CLOSED;
            return;
        }
        final MqttProperties properties = connect.variableHeader().properties();
        final MqttProperties ack = new MqttProperties();
        clientId = requestedId;
        if (clientId.isEmpty())
        {
            clientId = "auto-" + UUID.randomUUID();
            ack.add(new MqttProperties.StringProperty(MqttProperties.ASSIGNED_CLIENT_IDENTIFIER, clientId));
        }
        final long expiry;
        if (version == MQTT_5)
        {
            final Integer requested = ConnectTerms.intProperty(properties, MqttProperties.SESSION_EXPIRY_INTERVAL);
            final long asked = requested == null ? 0 : requested & 0xFFFF_FFFFL;
            expiry = Math.min(asked, settings.maxSessionExpirySeconds());
            if (expiry != asked)
            {
                ack.add(new MqttProperties.IntegerProperty(MqttProperties.SESSION_EXPIRY_INTERVAL, (int)expiry));
            }
            final Integer maxPacket = ConnectTerms.intProperty(properties, MqttProperties.MAXIMUM_PACKET_SIZE);
            final Integer aliasMaximum = ConnectTerms.intProperty(properties, MqttProperties.TOPIC_ALIAS_MAXIMUM);
            outbound.configure(true, maxPacket == null ? MqttSettings.PROTOCOL_MAX_PACKET_BYTES : maxPacket,
                aliasMaximum == null ? 0 : aliasMaximum);
            final int keepAlive = connect.variableHeader().keepAliveTimeSeconds();
            if (terms.exceedsMaxKeepAlive(keepAlive))
            {
                ack.add(new MqttProperties.IntegerProperty(MqttProperties.SERVER_KEEP_ALIVE,
                    settings.maxKeepAliveSeconds()));
            }
            terms.announceLimits(ack);
        }
        else
        {
            expiry = connect.variableHeader().isCleanSession() ? 0 : NO_EXPIRY;
        }
        sessionExpiryWasZero = expiry == 0;

        final MqttBroker.Opened opened = broker.open(clientId, connect.variableHeader().isCleanSession());
        broker.stats().connected();
        session = opened.session();
        session.expirySeconds(expiry);
        will = newWill;
        state = State.CONNECTED;
        startKeepAlive(connect.variableHeader().keepAliveTimeSeconds());

        final MqttConnAckMessage connAck = MqttMessageBuilders.connAck()
            .returnCode(MqttConnectReturnCode.CONNECTION_ACCEPTED)
            .sessionPresent(opened.sessionPresent())
            .properties(version == MQTT_5 ? ack : MqttProperties.NO_PROPERTIES)
            .build();
        channel.write(connAck);
        final Integer clientReceiveMaximum = version == MQTT_5 ?
            ConnectTerms.intProperty(properties, MqttProperties.RECEIVE_MAXIMUM) : null;
        final int window = Math.min(settings.maxInflight(), clientReceiveMaximum == null ? 65535 : clientReceiveMaximum);
        final Link attached = session.attach(this, window);
        final Link previous = attached != null ? attached : opened.replaced();
        if (previous != null)
        {
            previous.takenOver();
        }
        channel.flush();
    }

    private void startKeepAlive(final int requested)
    {
        final int keepAlive = version == MQTT_5 && terms.exceedsMaxKeepAlive(requested) ?
            settings.maxKeepAliveSeconds() : requested;
        if (keepAlive > 0)
        {
            keepAliveTimeoutNanos = TimeUnit.MILLISECONDS.toNanos(keepAlive * 1500L);
            lastPacketNanos = System.nanoTime();
        }
        else
        {
            keepAlives.unwatch(this, channel.eventLoop());
        }
    }

    /**
     * Refuse a CONNECT: CONNACK with the reason (MQTT 5) or return code (MQTT 3), then close.
     *
     * @param code   the MQTT 5 reason code.
     * @param v3Code the MQTT 3 return code, or null for "identifier rejected"... or the closest.
     * @param why    logged.
     */
    private void refuse(final MqttConnectReturnCode code, final MqttConnectReturnCode v3Code, final String why)
    {
        LOG.debug("refused CONNECT from {}: {}", channel.remoteAddress(), why);
        state = State.CLOSED;
        final MqttConnectReturnCode sent = version == MQTT_5 ? code : ConnectTerms.v3(code, v3Code);
        final MqttProperties properties = new MqttProperties();
        if (version == MQTT_5)
        {
            properties.add(new MqttProperties.StringProperty(MqttProperties.REASON_STRING, why));
        }
        channel.writeAndFlush(MqttMessageBuilders.connAck().returnCode(sent).sessionPresent(false)
            .properties(properties).build()).addListener(ChannelFutureListener.CLOSE);
    }

    // ------------------------------------------------------------------ PUBLISH from the client

    private void publish(final MqttPublishMessage publish)
    {
        final MqttFixedHeader fixed = publish.fixedHeader();
        final int qos = fixed.qosLevel().value();
        final int packetId = publish.variableHeader().packetId();
        final MqttProperties properties = publish.variableHeader().properties();
        String topic = publish.variableHeader().topicName();

        if (qos > settings.maxQos())
        {
            violation(Packets.QOS_NOT_SUPPORTED, "QoS " + qos + " is above the broker's maximum of " + settings.maxQos());
            return;
        }
        if (fixed.isRetain() && !settings.retainAvailable())
        {
            violation(Packets.RETAIN_NOT_SUPPORTED, "retained messages are not available");
            return;
        }
        if (version == MQTT_5)
        {
            final Integer alias = ConnectTerms.intProperty(properties, MqttProperties.TOPIC_ALIAS);
            if (alias != null)
            {
                if (alias == 0 || alias > settings.topicAliasMaximum())
                {
                    violation(Packets.TOPIC_ALIAS_INVALID, "topic alias " + alias + " is outside 1.." +
                        settings.topicAliasMaximum());
                    return;
                }
                if (inboundAliases == null)
                {
                    inboundAliases = new String[settings.topicAliasMaximum() + 1];
                }
                if (topic.isEmpty())
                {
                    topic = inboundAliases[alias];
                    if (topic == null)
                    {
                        violation(Packets.PROTOCOL_ERROR, "topic alias " + alias + " was never set");
                        return;
                    }
                }
                else
                {
                    inboundAliases[alias] = topic;
                }
            }
        }
        if (!TopicNames.validName(topic))
        {
            violation(Packets.TOPIC_NAME_INVALID, "invalid topic name");
            return;
        }
        broker.stats().received();
        if (topic.startsWith("$SYS") || !access.mayPublish(user, clientId, topic))
        {
            // $SYS topics are the broker's own. MQTT 5: the acknowledgement says so; MQTT 3 has no way to, so the message is dropped quietly.
            LOG.debug("{}: may not publish to {}", clientId, topic);
            if (qos > 0)
            {
                acks.answer(qos == 1 ? MqttMessageType.PUBACK : MqttMessageType.PUBREC, packetId,
                    version == MQTT_5 ? Packets.NOT_AUTHORIZED : Packets.SUCCESS);
            }
            return;
        }
        final Message message = new Message(topic, ByteBufUtil.getBytes(publish.payload()), qos, fixed.isRetain(),
            MessageProperties.forwarded(properties), terms.expiryAt(ConnectTerms.intProperty(properties, MqttProperties.PUBLICATION_EXPIRY_INTERVAL)),
            clientId);
        switch (qos)
        {
            case 0 -> broker.publish(message, null, false, this);
            case 1 -> broker.publish(message, acks.expect(MqttMessageType.PUBACK, packetId), false, this);
            default ->
            {
                final int outcome = session.receivedQos2(packetId, settings.receiveMaximum());
                if (outcome < 0)
                {
                    violation(Packets.RECEIVE_MAXIMUM_EXCEEDED, "more than " + settings.receiveMaximum() +
                        " QoS 2 messages await their PUBREL");
                    return;
                }
                final SessionLog.Completion answer = acks.expect(MqttMessageType.PUBREC, packetId);
                if (outcome > 0)
                {
                    // The session logged the packet id (if it is persistent): the PUBREC waits for that too.
                    broker.publish(message, answer, session.persistent(), this);
                }
                else if (session.persistent())
                {
                    broker.log().append(new LogRecord.Barrier(), answer);
                }
                else
                {
                    answer.stored();
                }
            }
        }
    }

    private void pubrel(final int packetId)
    {
        final boolean known = session.releasedByClient(packetId);
        if (known && session.persistent())
        {
            // PUBCOMP once the log knows the id is free: after a restart, a new message under it is routed.
            broker.log().append(new LogRecord.Barrier(), acks.expect(MqttMessageType.PUBCOMP, packetId));
            return;
        }
        acks.answer(MqttMessageType.PUBCOMP, packetId, known ? Packets.SUCCESS : Packets.PACKET_ID_NOT_FOUND);
    }

    // ------------------------------------------------------------------ acknowledgements of deliveries

    private void puback(final int packetId)
    {
        if (!session.acknowledged(packetId))
        {
            LOG.debug("{}: PUBACK for unknown packet id {}", clientId, packetId);
        }
    }

    private void pubrec(final int packetId)
    {
        if (!session.received(packetId))
        {
            channel.write(Packets.pubReply(MqttMessageType.PUBREL, packetId, Packets.PACKET_ID_NOT_FOUND));
            scheduleFlush();
        }
    }

    private void pubcomp(final int packetId)
    {
        if (!session.completed(packetId))
        {
            LOG.debug("{}: PUBCOMP for unknown packet id {}", clientId, packetId);
        }
    }

    // ------------------------------------------------------------------ SUBSCRIBE, UNSUBSCRIBE

    private void subscribe(final MqttSubscribeMessage subscribe)
    {
        final int packetId = subscribe.idAndPropertiesVariableHeader().messageId();
        final MqttProperties properties = subscribe.idAndPropertiesVariableHeader().properties();
        final Integer identifier = ConnectTerms.intProperty(properties, MqttProperties.SUBSCRIPTION_IDENTIFIER);
        if (identifier != null && !settings.subscriptionIdentifiers())
        {
            violation(Packets.SUBSCRIPTION_IDENTIFIERS_NOT_SUPPORTED, "subscription identifiers are not available");
            return;
        }
        final List<MqttTopicSubscription> topics = subscribe.payload().topicSubscriptions();
        if (topics.isEmpty())
        {
            violation(Packets.PROTOCOL_ERROR, "a SUBSCRIBE with no topic filter");
            return;
        }
        final int[] codes = new int[topics.size()];
        final java.util.List<Subscription> retainedFor = new java.util.ArrayList<>();
        for (int i = 0; i < codes.length; i++)
        {
            final MqttTopicSubscription requested = topics.get(i);
            final SubscribeTerms.Filter checked = subscribeTerms.check(requested.topicFilter());
            if (checked.refusal() != 0)
            {
                codes[i] = refusedSubscription(checked.refusal());
                continue;
            }
            final String plain = checked.plain();
            final SharedSubscription shared = checked.shared();
            if (!access.maySubscribe(user, clientId, plain))
            {
                codes[i] = refusedSubscription(Packets.NOT_AUTHORIZED);
                continue;
            }
            if (shared != null && requested.option().isNoLocal())
            {
                violation(Packets.PROTOCOL_ERROR, "No Local on a shared subscription");
                return;
            }
            final int qos = Math.min(requested.qualityOfService().value(), settings.maxQos());
            final Subscription subscription = new Subscription(session, plain, shared == null ? null : shared.group(),
                qos, requested.option().isNoLocal(), requested.option().isRetainAsPublished(),
                requested.option().retainHandling().value(), identifier == null ? 0 : identifier);
            final boolean isNew = broker.subscribe(subscription);
            codes[i] = qos;
            if (shared == null && (subscription.retainHandling() == 0 || (subscription.retainHandling() == 1 && isNew)))
            {
                retainedFor.add(subscription);
            }
        }
        final Runnable answer = () ->
        {
            if (!channel.isActive())
            {
                return;
            }
            channel.write(Packets.subAck(packetId, codes));
            retainedFor.forEach(broker::offerRetained);
            scheduleFlush();
        };
        // The subscriptions survive a restart once SUBACK says they exist.
        answerOnceStored(answer, () ->
        {
            java.util.Arrays.fill(codes, Packets.UNSPECIFIED_ERROR & 0xFF);
            retainedFor.clear();
        });
    }

    /**
     * Answer the client now if its session is not logged, else once the log holds all it queued
     * so far, on the event loop.
     *
     * @param answer    writes the answer.
     * @param ifFailed  run before {@code answer} if the log could not store it (the answer then
     *                  says so).
     */
    private void answerOnceStored(final Runnable answer, final Runnable ifFailed)
    {
        if (!session.persistent())
        {
            answer.run();
            return;
        }
        broker.log().append(new LogRecord.Barrier(), new SessionLog.Completion()
        {
            @Override
            public void stored()
            {
                channel.eventLoop().execute(answer);
            }

            @Override
            public void failed(final String why)
            {
                channel.eventLoop().execute(() ->
                {
                    ifFailed.run();
                    notStored(why);
                    answer.run();
                });
            }
        });
    }

    /**
     * The session log could not store what a client sent: MQTT 5 clients are told so in the
     * acknowledgement (0x80); MQTT 3 has no way to say it, so the connection is closed.
     */
    private void notStored(final String why)
    {
        LOG.warn("{}: the session log could not store a packet: {}", clientId, why);
        if (version != MQTT_5 && state != State.CLOSED)
        {
            close("the session log could not store a packet: " + why);
        }
    }

    private int refusedSubscription(final byte reasonCode)
    {
        return version == MQTT_5 ? reasonCode & 0xFF : Packets.V3_SUBSCRIPTION_FAILED;
    }

    private void unsubscribe(final MqttUnsubscribeMessage unsubscribe)
    {
        final List<String> filters = unsubscribe.payload().topics();
        final short[] codes = new short[filters.size()];
        for (int i = 0; i < codes.length; i++)
        {
            codes[i] = broker.unsubscribe(session, filters.get(i)) ? Packets.SUCCESS : Packets.NO_SUBSCRIPTION_EXISTED;
        }
        final int packetId = unsubscribe.idAndPropertiesVariableHeader().messageId();
        final Runnable answer = () ->
        {
            channel.write(Packets.unsubAck(packetId, version == MQTT_5 ? codes : null));
            scheduleFlush();
        };
        // UNSUBACK once the log knows: a restart must not bring the subscriptions back.
        answerOnceStored(answer, () -> java.util.Arrays.fill(codes, (short)(Packets.UNSPECIFIED_ERROR & 0xFF)));
    }

    // ------------------------------------------------------------------ DISCONNECT and closing

    private void disconnect(final MqttMessage packet)
    {
        byte reason = 0;
        if (version == MQTT_5 && packet.variableHeader() instanceof MqttReasonCodeAndPropertiesVariableHeader header)
        {
            reason = header.reasonCode();
            final Integer expiry = ConnectTerms.intProperty(header.properties(), MqttProperties.SESSION_EXPIRY_INTERVAL);
            if (expiry != null)
            {
                if (sessionExpiryWasZero && expiry != 0)
                {
                    violation(Packets.PROTOCOL_ERROR, "a session expiry in DISCONNECT after 0 in CONNECT");
                    return;
                }
                session.expirySeconds(Math.min(expiry & 0xFFFF_FFFFL, settings.maxSessionExpirySeconds()));
            }
        }
        if (reason != 0x04)
        {
            will = null;
        }
        state = State.CLOSED;
        channel.close();
    }

    @Override
    public void channelInactive(final ChannelHandlerContext ctx)
    {
        passwordCheck.cancel();
        keepAlives.unwatch(this, ctx.channel().eventLoop());
        outbound.close();
        acks.close();
        paused.release();
        state = State.CLOSED;
        if (session != null)
        {
            broker.stats().disconnected();
        }
        if (session != null && session.detach(this))
        {
            sendWill();
            broker.left(session);
        }
        else if (session != null)
        {
            sendWill();
        }
        ctx.fireChannelInactive();
    }

    private void sendWill()
    {
        final ConnectTerms.Will pending = will;
        will = null;
        if (pending == null)
        {
            return;
        }
        if (!access.mayPublish(user, clientId, pending.message().topic()))
        {
            LOG.debug("{}: may not publish its will to {}", clientId, pending.message().topic());
            return;
        }
        final long delay = Math.min(pending.delaySeconds(), session.expirySeconds());
        if (delay == 0)
        {
            broker.publish(pending.message());
            return;
        }
        final Session owner = session;
        owner.pendingWill(broker.scheduler().schedule(() ->
        {
            // MQTT 5: not published if a new connection took the session up within the delay.
            if (!owner.connected())
            {
                broker.publish(pending.message());
            }
        }, delay, TimeUnit.SECONDS));
    }

    @Override
    public void userEventTriggered(final ChannelHandlerContext ctx, final Object event)
    {
        if (event instanceof PacketSizeGuard.PacketTooLarge tooLarge)
        {
            if (state == State.AWAITING_CONNECT)
            {
                close("a first packet of " + tooLarge.declared() + " bytes");
            }
            else
            {
                violation(Packets.PACKET_TOO_LARGE, "a packet of " + tooLarge.declared() + " bytes; the maximum is " +
                    tooLarge.limit());
            }
            return;
        }
        ctx.fireUserEventTriggered(event);
    }

    @Override
    public void exceptionCaught(final ChannelHandlerContext ctx, final Throwable cause)
    {
        LOG.debug("{}: {}", channel.remoteAddress(), cause.toString());
        close("error: " + cause);
    }

    private void malformed(final Throwable cause)
    {
        if (state == State.AWAITING_CONNECT)
        {
            if (cause instanceof MqttUnacceptableProtocolVersionException)
            {
                refuse(MqttConnectReturnCode.CONNECTION_REFUSED_UNSUPPORTED_PROTOCOL_VERSION,
                    MqttConnectReturnCode.CONNECTION_REFUSED_UNACCEPTABLE_PROTOCOL_VERSION, cause.getMessage());
                return;
            }
            if (cause instanceof MqttIdentifierRejectedException)
            {
                version = versionOfFailedConnect();
                refuse(MqttConnectReturnCode.CONNECTION_REFUSED_CLIENT_IDENTIFIER_NOT_VALID,
                    MqttConnectReturnCode.CONNECTION_REFUSED_IDENTIFIER_REJECTED, cause.getMessage());
                return;
            }
            close("malformed first packet: " + cause.getMessage());
            return;
        }
        violation(Packets.MALFORMED_PACKET, "malformed packet: " + cause.getMessage());
    }

    private int versionOfFailedConnect()
    {
        final io.netty.handler.codec.mqtt.MqttVersion decoded = channel.attr(MQTT_VERSION).get();
        return decoded == null ? 4 : decoded.protocolLevel();
    }

    private void protocolError(final String what)
    {
        violation(Packets.PROTOCOL_ERROR, what);
    }

    /**
     * Close for a protocol violation: on MQTT 5 a DISCONNECT with the reason first.
     */
    private void violation(final byte reasonCode, final String why)
    {
        LOG.debug("{} ({}): closing, {}", clientId, channel.remoteAddress(), why);
        if (state == State.CLOSED)
        {
            return;
        }
        state = State.CLOSED;
        if (version == MQTT_5 && channel.isWritable())
        {
            channel.writeAndFlush(Packets.disconnect(reasonCode, why)).addListener(ChannelFutureListener.CLOSE);
            // A peer that stopped reading never takes the DISCONNECT: close anyway, soon.
            channel.eventLoop().schedule(() -> channel.close(), DISCONNECT_GRACE_MS, TimeUnit.MILLISECONDS);
        }
        else
        {
            channel.close();
        }
    }

    private void close(final String why)
    {
        LOG.debug("{} ({}): closing, {}", clientId, channel.remoteAddress(), why);
        state = State.CLOSED;
        channel.close();
    }

    // ------------------------------------------------------------------ keep-alive (see KeepAlives)

    /** Watched by {@link KeepAlives}: one and a half times the Keep Alive, in ns; 0 for none. */
    long keepAliveTimeoutNanos;
    /** When the last packet came, {@link System#nanoTime()}. */
    long lastPacketNanos;
    boolean keepAliveWatched;
    MqttConnection keepAliveNext;
    MqttConnection keepAlivePrevious;

    /**
     * No packet came within one and a half times the keep-alive (on the event loop).
     */
    void keepAliveExpired()
    {
        keepAlives.unwatch(this, channel.eventLoop());
        if (state == State.AWAITING_CONNECT || state == State.AUTHENTICATING)
        {
            close("no CONNECT accepted within " + settings.connectTimeoutSeconds() + " s");
        }
        else if (state != State.CLOSED)
        {
            violation(Packets.KEEP_ALIVE_TIMEOUT, "no packet within 1.5 times the keep-alive");
        }
    }

    // ------------------------------------------------------------------ PublisherFlow: back-pressure

    @Override
    public void subscriberBehind(final Session subscriber)
    {
        final long maxPause = settings.publisherPauseMaxMs();
        if (subscriber == session || maxPause == 0 || state == State.CLOSED)
        {
            // Its own session: it must go on reading to take its own acknowledgements.
            return;
        }
        paused.waitForOne();
        // The broker stops reading, not the client: its keep-alive counts from when reading resumes.
        lastPacketNanos = System.nanoTime();
        channel.config().setAutoRead(false);
        final java.util.concurrent.atomic.AtomicBoolean resumed = new java.util.concurrent.atomic.AtomicBoolean();
        final Runnable resume = () ->
        {
            if (resumed.compareAndSet(false, true))
            {
                channel.eventLoop().execute(this::subscriberCaughtUp);
            }
        };
        // Bounded: two clients publishing to each other, both behind, would otherwise wait on each other for ever.
        channel.eventLoop().schedule(resume, maxPause, TimeUnit.MILLISECONDS);
        subscriber.whenCaughtUp(resume);
    }

    private void subscriberCaughtUp()
    {
        if (!paused.oneCaughtUp())
        {
            return;
        }
        lastPacketNanos = System.nanoTime();
        MqttMessage next;
        while ((next = paused.nextKept()) != null)
        {
            handle(ctx, next);
        }
        if (!paused.waiting() && state != State.CLOSED)
        {
            channel.config().setAutoRead(true);
        }
    }

    // ------------------------------------------------------------------ Link: deliveries to the client

    @Override
    public boolean fits(final Message message, final int qos, final int subscriptionId)
    {
        return outbound.fits(message, qos, subscriptionId);
    }

    @Override
    public boolean writable()
    {
        return outbound.writable();
    }

    @Override
    public void channelWritabilityChanged(final ChannelHandlerContext ctx)
    {
        outbound.writabilityChanged();
        ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void publish(final Message message, final int qos, final boolean retain, final int subscriptionId,
        final int packetId, final boolean duplicate)
    {
        broker.stats().sent();
        outbound.publish(message, qos, retain, subscriptionId, packetId, duplicate);
    }

    @Override
    public void release(final int packetId)
    {
        outbound.release(packetId);
    }

    @Override
    public void takenOver()
    {
        channel.eventLoop().execute(() ->
        {
            will = state == State.CONNECTED ? will : null;
            violation(Packets.SESSION_TAKEN_OVER, "another connection took the session over");
        });
    }

    /**
     * Flush the packets this handler wrote on the event loop, once, at the end of this turn's work.
     */
    private void scheduleFlush()
    {
        if (FLUSH_SCHEDULED.compareAndSet(this, 0, 1))
        {
            channel.eventLoop().execute(flush);
        }
    }

    private void flushNow()
    {
        flushScheduled = 0;
        acks.writeEncoded();
        channel.flush();
    }


}
