package io.robustmq.plugin.mqtt.connection;

import io.netty.util.concurrent.EventExecutor;
import io.netty.util.concurrent.ScheduledFuture;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The keep-alive of every connection that has one (section 3.1.2.10 of MQTT 3.1.1 and 5: no packet
 * within one and a half times the Keep Alive, and the server disconnects), checked by one timer per event loop for all
 * its connections, every {@link #SWEEP_MS} ms, instead of a handler and a timer task per connection:
 * an idle connection costs a few fields here, not two objects and a pipeline context.
 * <p>
 * Threading: a connection is watched, unwatched and checked on its own event loop; each event
 * loop's connections are a list threaded through them (no node objects).
 */
public final class KeepAlives implements AutoCloseable
{
    /** How often each event loop checks its connections. */
    static final long SWEEP_MS = 250;

    private final Map<EventExecutor, Sweep> sweeps = new ConcurrentHashMap<>();

    /**
     * One event loop's watched connections and its timer.
     */
    private static final class Sweep implements Runnable
    {
        private MqttConnection first;
        private ScheduledFuture<?> timer;

        @Override
        public void run()
        {
            final long now = System.nanoTime();
            List<MqttConnection> expired = null;
            for (MqttConnection connection = first; connection != null; connection = connection.keepAliveNext)
            {
                if (now - connection.lastPacketNanos > connection.keepAliveTimeoutNanos)
                {
                    if (expired == null)
                    {
                        expired = new ArrayList<>();
                    }
                    expired.add(connection);
                }
            }
            if (expired != null)
            {
                // Acted on after the walk: expiring a connection unwatches it.
                expired.forEach(MqttConnection::keepAliveExpired);
            }
        }
    }

    /**
     * Watch a connection, on its event loop.
     *
     * @param connection its {@code keepAliveTimeoutNanos} and {@code lastPacketNanos} set.
     * @param loop       its event loop (the caller's thread).
     */
    void watch(final MqttConnection connection, final EventExecutor loop)
    {
        final Sweep sweep = sweeps.computeIfAbsent(loop, key -> new Sweep());
        if (sweep.timer == null)
        {
            sweep.timer = loop.scheduleAtFixedRate(sweep, SWEEP_MS, SWEEP_MS, TimeUnit.MILLISECONDS);
        }
        connection.keepAlivePrevious = null;
        connection.keepAliveNext = sweep.first;
        if (sweep.first != null)
        {
            sweep.first.keepAlivePrevious = connection;
        }
        sweep.first = connection;
        connection.keepAliveWatched = true;
    }

    /**
     * Stop watching a connection, on its event loop. Nothing if it was not watched.
     *
     * @param connection the connection.
     * @param loop       its event loop (the caller's thread).
     */
    void unwatch(final MqttConnection connection, final EventExecutor loop)
    {
        if (!connection.keepAliveWatched)
        {
            return;
        }
        final Sweep sweep = sweeps.get(loop);
        if (connection.keepAlivePrevious != null)
        {
            connection.keepAlivePrevious.keepAliveNext = connection.keepAliveNext;
        }
        else
        {
            sweep.first = connection.keepAliveNext;
        }
        if (connection.keepAliveNext != null)
        {
            connection.keepAliveNext.keepAlivePrevious = connection.keepAlivePrevious;
        }
        connection.keepAliveNext = null;
        connection.keepAlivePrevious = null;
        connection.keepAliveWatched = false;
    }

    /**
     * Stop every event loop's timer (the plugin is closing).
     */
    @Override
    public void close()
    {
        for (final Sweep sweep : sweeps.values())
        {
            final ScheduledFuture<?> timer = sweep.timer;
            if (timer != null)
            {
                timer.cancel(false);
            }
        }
    }
}
