package io.robustmq.kernel.network;

import io.netty.channel.EventLoopGroup;
import io.netty.channel.IoHandlerFactory;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.util.concurrent.DefaultThreadFactory;
import io.robustmq.plugin.api.ConfigurationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.concurrent.TimeUnit;

/**
 * The node's one set of event loops, shared by the admin API and every plugin's listeners: one
 * acceptor thread and {@code network.io_threads} I/O threads, on native epoll where the platform
 * has it, else NIO.
 */
public final class EventLoops implements AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(EventLoops.class);

    private final String transport;
    private final EventLoopGroup acceptGroup;
    private final EventLoopGroup ioGroup;
    private final Class<? extends ServerChannel> serverChannelClass;

    private EventLoops(final String transport, final int ioThreads)
    {
        this.transport = transport;
        final IoHandlerFactory factory =
            transport.equals("epoll") ? EpollIoHandler.newFactory() : NioIoHandler.newFactory();
        serverChannelClass = transport.equals("epoll") ? EpollServerSocketChannel.class : NioServerSocketChannel.class;
        acceptGroup = new MultiThreadIoEventLoopGroup(1, new DefaultThreadFactory("robustmq-accept"), factory);
        ioGroup = new MultiThreadIoEventLoopGroup(ioThreads, new DefaultThreadFactory("robustmq-io"), factory);
    }

    /**
     * @param requested {@code auto}, {@code epoll} or {@code nio}.
     * @param ioThreads I/O threads; 0 for Netty's default of twice the number of cores.
     * @return the started event loops.
     * @throws ConfigurationException if epoll is requested where it is not available.
     */
    public static EventLoops start(final String requested, final int ioThreads)
    {
        final String transport;
        if (requested.equals("nio"))
        {
            transport = "nio";
        }
        else if (Epoll.isAvailable())
        {
            transport = "epoll";
        }
        else if (requested.equals("epoll"))
        {
            throw new ConfigurationException("network.transport",
                "epoll is not available here: " + Epoll.unavailabilityCause());
        }
        else
        {
            transport = "nio";
        }
        final EventLoops loops = new EventLoops(transport, ioThreads);
        LOG.info("network transport {} ({} requested), {} I/O threads", transport, requested,
            ioThreads == 0 ? "default" : Integer.toString(ioThreads));
        return loops;
    }

    /**
     * @return {@code epoll} or {@code nio}.
     */
    public String transport()
    {
        return transport;
    }

    /**
     * @return the group that accepts connections.
     */
    public EventLoopGroup acceptGroup()
    {
        return acceptGroup;
    }

    /**
     * @return the group that serves connections.
     */
    public EventLoopGroup ioGroup()
    {
        return ioGroup;
    }

    /**
     * @return the server channel class of the transport.
     */
    public Class<? extends ServerChannel> serverChannelClass()
    {
        return serverChannelClass;
    }

    @Override
    public void close()
    {
        acceptGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS);
        ioGroup.shutdownGracefully(0, 2, TimeUnit.SECONDS);
        acceptGroup.terminationFuture().syncUninterruptibly();
        ioGroup.terminationFuture().syncUninterruptibly();
    }
}
