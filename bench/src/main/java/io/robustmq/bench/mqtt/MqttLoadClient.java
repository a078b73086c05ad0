package io.robustmq.bench.mqtt;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandler;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.SocketChannel;
import io.netty.channel.socket.nio.NioSocketChannel;
import io.netty.handler.codec.mqtt.MqttDecoder;
import io.netty.handler.codec.mqtt.MqttEncoder;
import io.netty.handler.codec.mqtt.MqttQoS;
import io.netty.util.concurrent.DefaultThreadFactory;
import org.HdrHistogram.Histogram;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * A lean MQTT load client on Netty's MQTT codec: runs one {@link MqttLoadSpec} or
 * {@link IdleConnectionSpec} at a time against a broker and returns what it measured. Its
 * connections share one event loop group with named threads ({@code mqtt-load-*}); the caller's
 * thread only sets up, waits and collects. Not thread-safe: one run at a time.
 */
public final class MqttLoadClient implements AutoCloseable
{
    private static final long CONNECT_TIMEOUT_MS = 60_000;
    private static final long START_DELAY_MS = 200;
    private static final long DRAIN_QUIET_MS = 500;
    private static final long DRAIN_MAX_MS = 10_000;
    private static final int MAX_PACKET_BYTES = 1 << 20;
    /**
     * Idle connections per local source address (127.0.0.2, 127.0.0.3, ...): well below the 28,232
     * ephemeral ports Linux gives each by default (32768-60999), TIME_WAIT of earlier runs included.
     */
    static final int IDLE_PER_SOURCE_ADDRESS = 2_500;
    /** Idle connections that may await their CONNACK at once. */
    private static final int IDLE_MAX_PENDING = 64;
    /** How long the opening waits for any answer before it gives up. */
    private static final long IDLE_ANSWER_TIMEOUT_MS = 30_000;
    /** An idle connection receives CONNACK and PINGRESP only. */
    private static final int IDLE_MAX_PACKET_BYTES = 256;

    private final EventLoopGroup group;
    private final Class<? extends SocketChannel> channelClass;
    private final String transport;
    private int runs;

    /**
     * @param threads event loop threads for every connection.
     */
    public MqttLoadClient(final int threads)
    {
        final DefaultThreadFactory threadFactory = new DefaultThreadFactory("mqtt-load", true);
        if (Epoll.isAvailable())
        {
            group = new MultiThreadIoEventLoopGroup(threads, threadFactory, EpollIoHandler.newFactory());
            channelClass = EpollSocketChannel.class;
            transport = "epoll";
        }
        else
        {
            group = new MultiThreadIoEventLoopGroup(threads, threadFactory, NioIoHandler.newFactory());
            channelClass = NioSocketChannel.class;
            transport = "nio";
        }
    }

    /**
     * @return the transport in use, {@code epoll} or {@code nio}.
     */
    public String transport()
    {
        return transport;
    }

    /**
     * Connect the subscribers then the publishers, publish for the warm-up and the measured window,
     * wait for the deliveries to drain, collect the counts and close every connection.
     *
     * @param spec        the workload.
     * @param broker      the broker's name, for the result.
     * @param host        the broker's host.
     * @param port        the broker's MQTT port.
     * @param brokerCpuNs the broker process's CPU time so far, nanoseconds (or -1 if unknown).
     * @return what was measured.
     * @throws Exception if a connection fails or the broker refuses a client.
     */
    MqttLoadResult run(
        final MqttLoadSpec spec,
        final String broker,
        final String host,
        final int port,
        final LongSupplier brokerCpuNs) throws Exception
    {
        final String prefix = "bench/" + spec.name() + "/" + ProcessHandle.current().pid() + "-" + (++runs);
        final MqttQoS qos = MqttQoS.valueOf(spec.qos());
        final double intervalNs = spec.fixedRate() ? spec.publishers() * 1e9 / spec.ratePerSecond() : 0;
        final List<Channel> channels = new ArrayList<>();
        try
        {
            final List<SubscriberHandler> subscribers = new ArrayList<>();
            final List<CompletableFuture<Void>> subscribed = new ArrayList<>();
            for (int i = 0; i < spec.subscribers(); i++)
            {
                final String topic = prefix + "/" + (spec.sharedTopic() ? 0 : i);
                final SubscriberHandler handler = new SubscriberHandler(prefix.replace('/', '-') + "-sub-" + i, topic, qos);
                subscribers.add(handler);
                subscribed.add(handler.ready());
                channels.add(connect(host, port, handler));
            }
            await(subscribed);
            final List<PublisherHandler> publishers = new ArrayList<>();
            final List<CompletableFuture<Void>> connected = new ArrayList<>();
            for (int i = 0; i < spec.publishers(); i++)
            {
                final PublisherHandler handler = new PublisherHandler(
                    prefix.replace('/', '-') + "-pub-" + i, prefix + "/" + i, qos, spec.payloadBytes(), intervalNs,
                    spec.maxInflight());
                publishers.add(handler);
                connected.add(handler.ready());
                channels.add(connect(host, port, handler));
            }
            await(connected);

            final long startNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(START_DELAY_MS);
            final long fromNs = startNs + TimeUnit.MILLISECONDS.toNanos(spec.warmupMs());
            final long toNs = fromNs + TimeUnit.MILLISECONDS.toNanos(spec.measureMs());
            start(channels, subscribers, publishers, intervalNs, startNs, fromNs, toNs);

            sleepUntil(fromNs);
            final long cpuFrom = brokerCpuNs.getAsLong();
            sleepUntil(toNs);
            final long cpuTo = brokerCpuNs.getAsLong();
            drain(channels, subscribers, publishers);

            final long cpu = cpuFrom < 0 || cpuTo < 0 ? -1 : cpuTo - cpuFrom;
            return collect(spec, broker, channels, subscribers, publishers, toNs - fromNs, cpu);
        }
        finally
        {
            closeAll(channels);
        }
    }

    /**
     * Open idle connections, spread over the source addresses 127.0.0.2, 127.0.0.3, ... (one per
     * {@link #IDLE_PER_SOURCE_ADDRESS}), at most {@link #IDLE_MAX_PENDING} awaiting their CONNACK at a
     * time, and read the broker's memory after a settle before the first and after a settle once
     * every one was answered; then close them.
     *
     * @param spec         the workload.
     * @param broker       the broker's name, for the result.
     * @param host         the broker's host.
     * @param port         the broker's MQTT port.
     * @param brokerMemory reads the broker's memory.
     * @param brokerCpuNs  the broker process's CPU time so far, nanoseconds (or -1 if unknown).
     * @return what was measured; connections the broker refused, closed or never answered are counted.
     * @throws Exception if interrupted or a source address cannot be made.
     */
    IdleConnectionsResult runIdle(
        final IdleConnectionSpec spec,
        final String broker,
        final String host,
        final int port,
        final Supplier<BrokerMemory> brokerMemory,
        final LongSupplier brokerCpuNs) throws Exception
    {
        final String prefix = "idle-" + ProcessHandle.current().pid() + "-" + (++runs) + "-";
        final IdleConnectionTally tally = new IdleConnectionTally(IDLE_MAX_PENDING);
        final AtomicInteger ids = new AtomicInteger();
        final Bootstrap bootstrap = bootstrap(IDLE_MAX_PACKET_BYTES,
            () -> new IdleConnectionHandler(prefix + ids.getAndIncrement(), spec.keepAliveS(), tally));
        final InetSocketAddress remote = new InetSocketAddress(host, port);
        final InetAddress[] sources = sourceAddresses(spec.connections());
        final List<Channel> channels = new ArrayList<>(spec.connections());
        try
        {
            final long idleCpuNs = settle(spec.settleMs(), brokerCpuNs);
            final BrokerMemory before = brokerMemory.get();
            final long openFrom = System.nanoTime();
            int attempted = 0;
            while (attempted < spec.connections() && tally.awaitRoom(IDLE_ANSWER_TIMEOUT_MS))
            {
                final ChannelFuture connect = bootstrap.connect(remote, new InetSocketAddress(sources[attempted % sources.length], 0));
                connect.addListener(future ->
                {
                    if (!future.isSuccess())
                    {
                        tally.onConnectFailed();
                    }
                });
                channels.add(connect.channel());
                attempted++;
            }
            tally.awaitAnswered(IDLE_MAX_PENDING, IDLE_ANSWER_TIMEOUT_MS);
            final long openNs = System.nanoTime() - openFrom;

            final long restCpuNs = settle(spec.settleMs(), brokerCpuNs);
            final BrokerMemory after = brokerMemory.get();
            return new IdleConnectionsResult(spec, broker, sources.length, attempted,
                tally.accepted(), tally.refused(), tally.connectFailed(), tally.closedBeforeConnAck(), tally.closedAfterConnAck(),
                openNs, before, after, idleCpuNs, restCpuNs, TimeUnit.MILLISECONDS.toNanos(spec.settleMs()));
        }
        finally
        {
            closeAll(channels);
        }
    }

    /**
     * @param connections connections to spread.
     * @return 127.0.0.2, 127.0.0.3, ...: one per {@link #IDLE_PER_SOURCE_ADDRESS} connections.
     */
    static InetAddress[] sourceAddresses(final int connections) throws UnknownHostException
    {
        final int count = (connections + IDLE_PER_SOURCE_ADDRESS - 1) / IDLE_PER_SOURCE_ADDRESS;
        if (count > 250)
        {
            throw new IllegalArgumentException("too many connections for 127.0.0.2-127.0.0.251: " + connections);
        }
        final InetAddress[] addresses = new InetAddress[count];
        for (int i = 0; i < count; i++)
        {
            addresses[i] = InetAddress.getByAddress(new byte[] {127, 0, 0, (byte)(2 + i)});
        }
        return addresses;
    }

    /**
     * Sleep for the settle time.
     *
     * @return the broker's CPU time in it, nanoseconds; -1 if unknown.
     */
    private static long settle(final long settleMs, final LongSupplier brokerCpuNs) throws InterruptedException
    {
        final long cpuFrom = brokerCpuNs.getAsLong();
        sleepUntil(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(settleMs));
        final long cpuTo = brokerCpuNs.getAsLong();
        return cpuFrom < 0 || cpuTo < 0 ? -1 : cpuTo - cpuFrom;
    }

    private static void closeAll(final List<Channel> channels)
    {
        for (final Channel channel : channels)
        {
            channel.close();
        }
        for (final Channel channel : channels)
        {
            channel.closeFuture().awaitUninterruptibly(5, TimeUnit.SECONDS);
        }
    }

    /**
     * Give the subscribers the window, then start the publishers, staggered over one interval so that
     * a fixed rate is smooth in total.
     */
    private static void start(
        final List<Channel> channels,
        final List<SubscriberHandler> subscribers,
        final List<PublisherHandler> publishers,
        final double intervalNs,
        final long startNs,
        final long fromNs,
        final long toNs) throws Exception
    {
        for (int i = 0; i < subscribers.size(); i++)
        {
            final SubscriberHandler handler = subscribers.get(i);
            onLoop(channels.get(i), () ->
            {
                handler.window(fromNs, toNs);
                return null;
            });
        }
        for (int i = 0; i < publishers.size(); i++)
        {
            final PublisherHandler handler = publishers.get(i);
            final long offset = (long)(intervalNs * i / publishers.size());
            onLoop(channels.get(subscribers.size() + i), () ->
            {
                handler.start(startNs + offset, fromNs, toNs);
                return null;
            });
        }
    }

    /**
     * Read every connection's counts and latencies on its event loop and add them up.
     */
    private static MqttLoadResult collect(
        final MqttLoadSpec spec,
        final String broker,
        final List<Channel> channels,
        final List<SubscriberHandler> subscribers,
        final List<PublisherHandler> publishers,
        final long windowNs,
        final long cpuNs) throws Exception
    {
        long sent = 0;
        long sentTotal = 0;
        for (int i = 0; i < publishers.size(); i++)
        {
            final PublisherHandler handler = publishers.get(i);
            sent += onLoop(channels.get(subscribers.size() + i), handler::sentInWindow);
            sentTotal += onLoop(channels.get(subscribers.size() + i), handler::sent);
        }
        final long expectedTotal = spec.sharedTopic() ? sentTotal * spec.subscribers() : sentTotal;
        long receivedTotal = 0;
        long delivered = 0;
        final Histogram latency = new Histogram(SubscriberHandler.MAX_LATENCY_US, 3);
        for (int i = 0; i < subscribers.size(); i++)
        {
            final SubscriberHandler handler = subscribers.get(i);
            delivered += onLoop(channels.get(i), handler::receivedInWindow);
            receivedTotal += onLoop(channels.get(i), handler::received);
            onLoop(channels.get(i), () ->
            {
                latency.add(handler.latencyUs());
                return null;
            });
        }
        final int closed = (int)channels.stream().filter(channel -> !channel.isActive()).count();
        return new MqttLoadResult(spec, broker, windowNs, sent, delivered, latency, cpuNs, expectedTotal, receivedTotal, closed);
    }

    /**
     * Wait until every publisher has stopped and the subscribers' count has not moved for a while.
     */
    private static void drain(
        final List<Channel> channels,
        final List<SubscriberHandler> subscribers,
        final List<PublisherHandler> publishers) throws Exception
    {
        final long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(DRAIN_MAX_MS);
        long last = -1;
        while (System.nanoTime() < deadline)
        {
            boolean stopped = true;
            for (int i = 0; i < publishers.size(); i++)
            {
                final Channel channel = channels.get(subscribers.size() + i);
                stopped &= !channel.isActive() || onLoop(channel, publishers.get(i)::stopped);
            }
            long received = 0;
            for (int i = 0; i < subscribers.size(); i++)
            {
                received += onLoop(channels.get(i), subscribers.get(i)::received);
            }
            if (stopped && received == last)
            {
                return;
            }
            last = received;
            Thread.sleep(DRAIN_QUIET_MS);
        }
    }

    private Channel connect(final String host, final int port, final ChannelHandler handler) throws InterruptedException
    {
        return bootstrap(MAX_PACKET_BYTES, () -> handler).connect(host, port).sync().channel();
    }

    /**
     * @param maxPacketBytes the largest packet the client's decoder takes.
     * @param handler        makes each connection's handler, after the MQTT codec.
     * @return a bootstrap on the client's event loops.
     */
    private Bootstrap bootstrap(final int maxPacketBytes, final java.util.function.Supplier<ChannelHandler> handler)
    {
        return new Bootstrap()
            .group(group)
            .channel(channelClass)
            .option(ChannelOption.TCP_NODELAY, true)
            .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, 10_000)
            .handler(new ChannelInitializer<SocketChannel>()
            {
                @Override
                protected void initChannel(final SocketChannel channel)
                {
                    channel.pipeline().addLast("decoder", new MqttDecoder(maxPacketBytes));
                    channel.pipeline().addLast("encoder", MqttEncoder.INSTANCE);
                    channel.pipeline().addLast("mqtt-load", handler.get());
                }
            });
    }

    private static void await(final List<CompletableFuture<Void>> futures)
        throws InterruptedException, ExecutionException, TimeoutException
    {
        CompletableFuture.allOf(futures.toArray(new CompletableFuture<?>[0])).get(CONNECT_TIMEOUT_MS, TimeUnit.MILLISECONDS);
    }

    private static <T> T onLoop(final Channel channel, final Callable<T> task) throws Exception
    {
        return channel.eventLoop().submit(task).get(CONNECT_TIMEOUT_MS, TimeUnit.MILLISECONDS);
    }

    private static void sleepUntil(final long deadlineNs) throws InterruptedException
    {
        long left;
        while ((left = deadlineNs - System.nanoTime()) > 0)
        {
            TimeUnit.NANOSECONDS.sleep(left);
        }
    }

    /**
     * Shut the event loop group down and wait for its threads.
     */
    @Override
    public void close()
    {
        group.shutdownGracefully(0, 5, TimeUnit.SECONDS).syncUninterruptibly();
    }
}
