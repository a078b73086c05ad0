package io.robustmq.kernel.meta;

import io.robustmq.meta.cluster.MetaClusteredService;
import io.robustmq.plugin.api.metadata.ObjectChange;
import io.robustmq.plugin.api.metadata.Watch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.Function;
import java.util.function.Predicate;

/**
 * Runs the node's metadata watches and waits on its own thread ({@code robustmq-meta-watch}). The
 * clustered service hands it each view it publishes ({@link #onView}, which returns at once); the
 * thread then tells each watch whose part of the view changed, and completes each wait whose
 * condition the view now meets. Views that arrive while the thread is busy are coalesced: a watch
 * sees the latest state, not every state in between (except a watch of plugins' objects, which
 * follows the view's record of changes: {@link ObjectWatch}).
 */
final class MetadataWatches implements MetaClusteredService.ViewListener, AutoCloseable
{
    private static final Logger LOG = LoggerFactory.getLogger(MetadataWatches.class);
    private static final Object NOTHING_YET = new Object();

    private final ExecutorService thread = Executors.newSingleThreadExecutor(task ->
    {
        final Thread watchThread = new Thread(task, "robustmq-meta-watch");
        watchThread.setDaemon(true);
        return watchThread;
    });
    private final AtomicReference<MetaClusteredService.View> latest;
    private final AtomicBoolean scheduled = new AtomicBoolean();
    private final List<ViewWatch> watches = new CopyOnWriteArrayList<>();
    private final List<Wait> waits = new ArrayList<>();

    private record Wait(Predicate<MetaClusteredService.View> condition, CompletableFuture<MetaClusteredService.View> done)
    {
    }

    /**
     * A watch as the watch thread runs it: offered each view, on that thread.
     */
    interface ViewWatch extends Watch
    {
        /**
         * @param view the latest view (the first offered is the view as the watch starts).
         */
        void offer(MetaClusteredService.View view);
    }

    /**
     * One watch: the part of the view it looks at, and who to tell when that part changes. Its
     * last value is only touched on the watch thread.
     */
    private final class Entry<T> implements ViewWatch
    {
        private final Function<MetaClusteredService.View, T> part;
        private final Consumer<T> listener;
        private Object last = NOTHING_YET;
        private volatile boolean closed;

        Entry(final Function<MetaClusteredService.View, T> part, final Consumer<T> listener)
        {
            this.part = part;
            this.listener = listener;
        }

        @Override
        public void offer(final MetaClusteredService.View view)
        {
            if (closed)
            {
                return;
            }
            final T now = part.apply(view);
            if (!Objects.equals(now, last))
            {
                last = now;
                try
                {
                    listener.accept(now);
                }
                catch (final RuntimeException ex)
                {
                    LOG.warn("a metadata watch's listener failed", ex);
                }
            }
        }

        @Override
        public void close()
        {
            closed = true;
            watches.remove(this);
        }
    }

    /**
     * @param current the view now.
     */
    MetadataWatches(final MetaClusteredService.View current)
    {
        this.latest = new AtomicReference<>(current);
    }

    @Override
    public void onView(final MetaClusteredService.View view)
    {
        latest.set(view);
        if (scheduled.compareAndSet(false, true))
        {
            run(this::deliver);
        }
    }

    private void deliver()
    {
        scheduled.set(false);
        final MetaClusteredService.View view = latest.get();
        for (final ViewWatch watch : watches)
        {
            watch.offer(view);
        }
        for (final Iterator<Wait> it = waits.iterator(); it.hasNext(); )
        {
            final Wait wait = it.next();
            if (wait.done().isDone() || meets(wait, view))
            {
                it.remove();
            }
        }
    }

    private static boolean meets(final Wait wait, final MetaClusteredService.View view)
    {
        if (wait.condition().test(view))
        {
            wait.done().complete(view);
            return true;
        }
        return false;
    }

    /**
     * Watch part of the view: the listener is told its value now, then each time it changes.
     *
     * @param part     what to look at; its values must have a meaningful {@code equals}.
     * @param listener told each new value, on the watch thread.
     * @param <T>      the part's type.
     * @return the watch.
     */
    <T> Watch watch(final Function<MetaClusteredService.View, T> part, final Consumer<T> listener)
    {
        return start(new Entry<>(part, listener));
    }

    /**
     * Watch an owner's objects: the listener is told each that exists now, then each change.
     *
     * @param owner    the plugin whose objects to watch.
     * @param listener told each change, on the watch thread.
     * @return the watch.
     */
    Watch watchObjects(final String owner, final Consumer<ObjectChange> listener)
    {
        return start(new ObjectWatch(owner, listener, watches::remove));
    }

    private Watch start(final ViewWatch watch)
    {
        watches.add(watch);
        run(() -> watch.offer(latest.get()));
        return watch;
    }

    /**
     * @param condition what the node's view must come to meet.
     * @param timeoutMs how long to wait.
     * @return completed with the first view that meets it (perhaps the current one), or
     * exceptionally with a {@link java.util.concurrent.TimeoutException}.
     */
    CompletableFuture<MetaClusteredService.View> await(
        final Predicate<MetaClusteredService.View> condition, final long timeoutMs)
    {
        final CompletableFuture<MetaClusteredService.View> done = new CompletableFuture<>();
        if (!run(() ->
        {
            final Wait wait = new Wait(condition, done);
            if (!meets(wait, latest.get()))
            {
                waits.add(wait);
            }
        }))
        {
            done.completeExceptionally(new IllegalStateException("the node is stopping"));
        }
        return done.orTimeout(timeoutMs, TimeUnit.MILLISECONDS);
    }

    /**
     * @return false if the thread has stopped (the node is stopping).
     */
    private boolean run(final Runnable task)
    {
        try
        {
            thread.execute(task);
            return true;
        }
        catch (final RejectedExecutionException ex)
        {
            return false;
        }
    }

    @Override
    public void close()
    {
        thread.shutdownNow();
        try
        {
            thread.awaitTermination(5, TimeUnit.SECONDS);
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
        }
    }
}
