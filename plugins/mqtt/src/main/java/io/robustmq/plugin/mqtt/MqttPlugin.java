package io.robustmq.plugin.mqtt;

import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.robustmq.plugin.api.ListenerConfig;
import io.robustmq.plugin.api.ListenerSpec;
import io.robustmq.plugin.api.PluginContext;
import io.robustmq.plugin.api.ProtocolPlugin;
import io.robustmq.plugin.api.Transport;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.robustmq.plugin.mqtt.broker.BrokerStats;
import io.robustmq.plugin.mqtt.broker.MqttBroker;
import io.robustmq.plugin.mqtt.broker.SessionRecovery;
import io.robustmq.plugin.mqtt.broker.SysTopics;
import io.robustmq.plugin.mqtt.connection.ConnectTerms;
import io.robustmq.plugin.mqtt.connection.KeepAlives;
import io.robustmq.plugin.mqtt.connection.SubscribeTerms;
import io.robustmq.plugin.mqtt.connection.MqttConnection;
import io.robustmq.plugin.mqtt.connection.PacketSizeGuard;
import io.robustmq.plugin.mqtt.connection.PasswordCheck;
import io.robustmq.plugin.mqtt.connection.TopicAccess;
import io.robustmq.plugin.mqtt.persistence.SessionLog;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import io.robustmq.plugin.api.metadata.AclOperation;
import io.robustmq.plugin.api.metadata.AclResource;
import io.robustmq.plugin.api.metadata.Metadata;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * The MQTT protocol on one node: its listeners (TCP 1883, TLS 8883, WebSocket 8083 and secure
 * WebSocket 8084, path {@code /mqtt}, subprotocol {@code mqtt}), the pipeline of each connection,
 * and the broker state the connections share. User names and passwords are checked against the
 * cluster's users on a thread of its own ({@code robustmq-mqtt-auth}); publishing and subscribing
 * follow the cluster's ACL rules for topics.
 */
final class MqttPlugin implements ProtocolPlugin
{
    /**
     * A checkpoint is written at least this often even when nothing was logged, so that storage
     * retention by age (7 days by default) never reaches the generation the state lives in.
     */
    private static final long CHECKPOINT_AT_LEAST_EVERY_MS = TimeUnit.DAYS.toMillis(1);
    private static final Logger LOG = LoggerFactory.getLogger(MqttPlugin.class);

    private final List<ListenerSpec> listeners;
    private final MqttSettings settings;
    private final MqttBroker broker;
    private final ThreadPoolExecutor authThread;
    private final PasswordCheck passwords;
    private final TopicAccess access;
    private final ScheduledFuture<?> sysTopics;
    private final SessionLog sessionLog;
    private final KeepAlives keepAlives = new KeepAlives();
    private final ConnectTerms connectTerms;
    private final SubscribeTerms subscribeTerms;
    private final ScheduledExecutorService checkpointThread;

    MqttPlugin(final PluginContext context)
    {
        this.settings = MqttSettings.read(context.config());
        final List<ListenerSpec> specs = new ArrayList<>();
        ListenerConfig.read(context, new ListenerConfig.Defaults("tcp", Transport.TCP, 1883, true, null, null))
            .ifPresent(specs::add);
        ListenerConfig.read(context, new ListenerConfig.Defaults("tls", Transport.TLS, 8883, false, null, null))
            .ifPresent(specs::add);
        ListenerConfig.read(context, new ListenerConfig.Defaults("ws", Transport.WS, 8083, true, "/mqtt", "mqtt"))
            .ifPresent(specs::add);
        ListenerConfig.read(context, new ListenerConfig.Defaults("wss", Transport.WSS, 8084, false, "/mqtt", "mqtt"))
            .ifPresent(specs::add);
        this.listeners = List.copyOf(specs);
        this.broker = new MqttBroker(settings, () -> context.clock().millis(), context.scheduler());
        this.connectTerms = new ConnectTerms(settings, broker::now);
        this.subscribeTerms = new SubscribeTerms(settings);
        if (settings.persistence())
        {
            final SessionRecovery recovery = new SessionRecovery();
            this.sessionLog = SessionLog.open(context.shards(), recovery);
            broker.useLog(sessionLog, recovery.lastMessageId());
            recovery.restore(broker);
            if (recovery.records() > 0)
            {
                LOG.info("MQTT: {} persistent sessions and {} retained messages restored from the session log",
                    recovery.sessionCount(), broker.retained().size());
            }
            this.checkpointThread = Executors.newSingleThreadScheduledExecutor(task ->
            {
                final Thread thread = new Thread(task, "robustmq-mqtt-checkpoint");
                thread.setDaemon(true);
                return thread;
            });
            if (recovery.records() > 0)
            {
                // Start the next run from one checkpoint, not from everything this run replayed.
                checkpointThread.execute(this::checkpointNow);
            }
            checkpointThread.scheduleWithFixedDelay(this::checkpointIfDue, 10, 10, TimeUnit.SECONDS);
        }
        else
        {
            this.sessionLog = null;
            this.checkpointThread = null;
        }
        final String version = MqttPlugin.class.getPackage().getImplementationVersion();
        final SysTopics sys = new SysTopics(broker, context.nodeId(), version == null ? "dev" : version);
        this.sysTopics = settings.sysIntervalSeconds() == 0 ? null : context.scheduler().scheduleAtFixedRate(sys,
            settings.sysIntervalSeconds(), settings.sysIntervalSeconds(), TimeUnit.SECONDS);
        registerMeters(context.meterRegistry());
        this.authThread = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
            new ArrayBlockingQueue<>(settings.maxPendingPasswordChecks()), task ->
            {
                final Thread thread = new Thread(task, "robustmq-mqtt-auth");
                thread.setDaemon(true);
                return thread;
            }, new ThreadPoolExecutor.AbortPolicy());
        this.passwords = (user, password) ->
        {
            try
            {
                return CompletableFuture.supplyAsync(() -> context.metadata().checkPassword(user,
                    new String(password, StandardCharsets.UTF_8).toCharArray()), authThread);
            }
            catch (final RejectedExecutionException ex)
            {
                return CompletableFuture.failedFuture(new PasswordCheck.BusyException(
                    settings.maxPendingPasswordChecks() + " password checks are already waiting"));
            }
        };
        final Metadata metadata = context.metadata();
        this.access = new TopicAccess()
        {
            @Override
            public boolean mayPublish(final String user, final String clientId, final String topic)
            {
                return metadata.allowed(user, clientId, AclOperation.WRITE, AclResource.TOPIC, topic);
            }

            @Override
            public boolean maySubscribe(final String user, final String clientId, final String filter)
            {
                return metadata.allowed(user, clientId, AclOperation.READ, AclResource.TOPIC, filter);
            }
        };
    }

    private void registerMeters(final MeterRegistry registry)
    {
        final BrokerStats stats = broker.stats();
        FunctionCounter.builder("robustmq.mqtt.messages.received", stats, BrokerStats::receivedCount)
            .description("PUBLISH packets received from clients").register(registry);
        FunctionCounter.builder("robustmq.mqtt.messages.sent", stats, BrokerStats::sentCount)
            .description("PUBLISH packets sent to clients").register(registry);
        FunctionCounter.builder("robustmq.mqtt.messages.dropped", stats, BrokerStats::droppedCount)
            .description("Messages dropped because a session's queue was full").register(registry);
        Gauge.builder("robustmq.mqtt.clients.connected", stats, BrokerStats::connectedCount)
            .description("MQTT clients connected").register(registry);
        Gauge.builder("robustmq.mqtt.sessions", broker, b -> b.sessions().size())
            .description("MQTT sessions, connected or not").register(registry);
        Gauge.builder("robustmq.mqtt.retained", broker, b -> b.retained().size())
            .description("Topics with a retained message").register(registry);
        if (sessionLog != null)
        {
            Gauge.builder("robustmq.mqtt.session_log.generation", sessionLog, SessionLog::generation)
                .description("The session log's generation: one more after each checkpoint").register(registry);
            Gauge.builder("robustmq.mqtt.session_log.bytes_since_checkpoint", sessionLog,
                SessionLog::bytesSinceCheckpoint)
                .description("Bytes appended to the session log since its last checkpoint").register(registry);
        }
    }

    /**
     * @return the broker state, for tests and the plugin's own reporting.
     */
    MqttBroker broker()
    {
        return broker;
    }

    @Override
    public List<ListenerSpec> listeners()
    {
        return listeners;
    }

    @Override
    public void initChannel(final ChannelPipeline pipeline, final ListenerSpec listener)
    {
        pipeline.addLast("mqtt-size-guard", new PacketSizeGuard(settings.maxPacketBytes()));
        pipeline.addLast("mqtt-decoder", new MqttDecoder(settings.maxPacketBytes(), settings.maxClientIdLength()));
        pipeline.addLast("mqtt-encoder", MqttEncoder.INSTANCE);
        pipeline.addLast("mqtt", new MqttConnection(broker, passwords, access, keepAlives, connectTerms, subscribeTerms));
    }

    /**
     * Write a checkpoint of the session log when enough was logged since the last, or long enough ago.
     */
    private void checkpointIfDue()
    {
        final long logged = sessionLog.bytesSinceCheckpoint();
        final long age = System.currentTimeMillis() - sessionLog.lastCheckpointMillis();
        if (logged >= settings.checkpointBytes() ||
            (logged > 0 && age >= settings.checkpointIntervalSeconds() * 1000L) ||
            age >= CHECKPOINT_AT_LEAST_EVERY_MS)
        {
            checkpointNow();
        }
    }

    /**
     * Write a checkpoint of the session log now (on the calling thread).
     */
    void checkpointNow()
    {
        try
        {
            sessionLog.checkpoint(broker);
        }
        catch (final Exception ex)
        {
            LOG.error("MQTT: a checkpoint of the session log failed; the log keeps its older generations", ex);
        }
    }

    @Override
    public void close()
    {
        keepAlives.close();
        if (checkpointThread != null)
        {
            checkpointThread.shutdownNow();
            try
            {
                checkpointThread.awaitTermination(30, TimeUnit.SECONDS);
            }
            catch (final InterruptedException ex)
            {
                Thread.currentThread().interrupt();
            }
            sessionLog.close();
        }
        if (sysTopics != null)
        {
            sysTopics.cancel(false);
        }
        authThread.shutdownNow();
        try
        {
            authThread.awaitTermination(5, TimeUnit.SECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }
}
