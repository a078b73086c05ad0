package io.robustmq.plugin.amqp.topology;

import io.robustmq.plugin.api.metadata.Metadata;
import io.robustmq.plugin.api.metadata.ObjectChange;
import io.robustmq.plugin.api.metadata.ObjectInfo;
import io.robustmq.plugin.api.metadata.Watch;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;

/**
 * This node's live view of the cluster's exchanges, queues and bindings, kept by a watch on the
 * metadata's {@value Entities#OWNER} objects, and routing through them. The default exchange and the
 * {@code amq.*} exchanges are built in, never stored.
 * <p>
 * Threading: changes arrive on the Meta Service's watch thread, one at a time; every read is safe
 * from any thread (concurrent maps, and each exchange's {@link Routes} replaced whole).
 */
public final class Topology implements AutoCloseable
{
    /** The default exchange's name. */
    public static final String DEFAULT_EXCHANGE = "";
    /** The exchanges every virtual host has, by name. */
    public static final Map<String, ExchangeDef> BUILT_IN = Map.of(
        DEFAULT_EXCHANGE, builtIn(DEFAULT_EXCHANGE, ExchangeType.DIRECT),
        "amq.direct", builtIn("amq.direct", ExchangeType.DIRECT),
        "amq.fanout", builtIn("amq.fanout", ExchangeType.FANOUT),
        "amq.topic", builtIn("amq.topic", ExchangeType.TOPIC),
        "amq.headers", builtIn("amq.headers", ExchangeType.HEADERS),
        "amq.match", builtIn("amq.match", ExchangeType.HEADERS));
    /** How many exchange-to-exchange hops a message may take; a longer chain is a cycle. */
    static final int MAX_HOPS = 32;

    private static final Logger LOG = LoggerFactory.getLogger(Topology.class);

    private final Map<String, ExchangeDef> exchanges = new ConcurrentHashMap<>(BUILT_IN);
    private final Map<String, QueueDef> queues = new ConcurrentHashMap<>();
    private final Map<String, BindingDef> bindings = new ConcurrentHashMap<>();
    private final Map<String, Map<String, BindingDef>> bindingsBySource = new ConcurrentHashMap<>();
    private final Map<String, Routes> routes = new ConcurrentHashMap<>();
    /** The version of each object this view holds, by {@link #key}; guarded by itself for waiters. */
    private final Map<String, Long> versions = new HashMap<>();
    private final Map<String, List<Waiter>> waiters = new HashMap<>();
    private final Watch watch;

    /**
     * A write's caller waiting for this view to show it.
     *
     * @param version the version it waits for, or {@link ObjectInfo#ABSENT} for a deletion.
     * @param done    completed once this view shows it (or a later change of the object).
     */
    private record Waiter(long version, CompletableFuture<Void> done)
    {
    }

    /**
     * Start watching; the current objects are told before this returns (the watch tells them at once).
     *
     * @param metadata the cluster's metadata.
     */
    public Topology(final Metadata metadata)
    {
        this.watch = metadata.watchObjects(Entities.OWNER, this::onChange);
    }

    private static ExchangeDef builtIn(final String name, final ExchangeType type)
    {
        return new ExchangeDef(name, type, true, false, false, Map.of(), -1);
    }

    private void onChange(final ObjectChange change)
    {
        try
        {
            apply(change);
        }
        finally
        {
            seen(change);
        }
    }

    private void apply(final ObjectChange change)
    {
        try
        {
            switch (change.kind())
            {
                case Entities.EXCHANGE -> onExchange(change.name(), change.object());
                case Entities.QUEUE -> change.object().ifPresentOrElse(
                    object -> queues.put(change.name(), Entities.queue(change.name(), object.value())),
                    () -> queues.remove(change.name()));
                case Entities.BINDING -> onBinding(change.name(), change.object());
                default -> LOG.warn("AMQP: an object of unknown kind {} in the metadata: {}", change.kind(), change.name());
            }
        }
        catch (final RuntimeException ex)
        {
            LOG.error("AMQP: the metadata's {} {} cannot be read; left out: {}", change.kind(), change.name(),
                ex.toString());
        }
    }

    private static String key(final String kind, final String name)
    {
        return kind + '\n' + name;
    }

    private void seen(final ObjectChange change)
    {
        final String key = key(change.kind(), change.name());
        final List<Waiter> ready = new ArrayList<>();
        synchronized (versions)
        {
            if (change.deleted())
            {
                versions.remove(key);
            }
            else
            {
                versions.put(key, change.object().get().version());
            }
            final List<Waiter> waiting = waiters.remove(key);
            if (waiting != null)
            {
                // Any change of the object ends a wait for an earlier state of it: what the writer
                // wrote has been seen, or overtaken.
                final long version = change.deleted() ? ObjectInfo.ABSENT : change.object().get().version();
                for (final Waiter waiter : waiting)
                {
                    if (change.deleted() || waiter.version() != ObjectInfo.ABSENT && version >= waiter.version())
                    {
                        ready.add(waiter);
                    }
                    else
                    {
                        waiters.computeIfAbsent(key, k -> new ArrayList<>()).add(waiter);
                    }
                }
            }
        }
        ready.forEach(waiter -> waiter.done().complete(null));
    }

    /**
     * Wait until this view shows a write the metadata has acknowledged: a put of {@code version}, or a
     * deletion ({@link ObjectInfo#ABSENT}). The metadata answers a write once its copy holds it; the
     * watch that keeps this view tells it a little later, and a client that declared a queue must be
     * able to publish to it at once.
     *
     * @param kind    the object's kind.
     * @param name    its name.
     * @param version the version written, or {@link ObjectInfo#ABSENT} for a deletion.
     * @return completes once this view shows it, or a later change of the object.
     */
    public CompletableFuture<Void> awaitSeen(final String kind, final String name, final long version)
    {
        final String key = key(kind, name);
        synchronized (versions)
        {
            final Long current = versions.get(key);
            final boolean shown = version == ObjectInfo.ABSENT ? current == null : current != null && current >= version;
            if (shown)
            {
                return CompletableFuture.completedFuture(null);
            }
            final CompletableFuture<Void> done = new CompletableFuture<>();
            waiters.computeIfAbsent(key, k -> new ArrayList<>()).add(new Waiter(version, done));
            return done;
        }
    }

    private void onExchange(final String name, final Optional<ObjectInfo> object)
    {
        if (object.isPresent())
        {
            exchanges.put(name, Entities.exchange(name, object.get().value()));
        }
        else if (!BUILT_IN.containsKey(name))
        {
            exchanges.remove(name);
        }
        rebuildRoutes(name);
    }

    private void onBinding(final String name, final Optional<ObjectInfo> object)
    {
        final BindingDef previous = object.isPresent() ? bindings.put(name, Entities.binding(object.get().value())) :
            bindings.remove(name);
        final BindingDef current = bindings.get(name);
        if (previous != null)
        {
            bindingsBySource.computeIfPresent(previous.source(), (source, map) ->
            {
                map.remove(name);
                return map.isEmpty() ? null : map;
            });
            rebuildRoutes(previous.source());
        }
        if (current != null)
        {
            bindingsBySource.computeIfAbsent(current.source(), source -> new ConcurrentHashMap<>()).put(name, current);
            rebuildRoutes(current.source());
        }
    }

    private void rebuildRoutes(final String exchange)
    {
        final ExchangeDef def = exchanges.get(exchange);
        final Map<String, BindingDef> from = bindingsBySource.get(exchange);
        if (def == null || from == null)
        {
            routes.remove(exchange);
            return;
        }
        routes.put(exchange, new Routes(def.type(), List.copyOf(from.values())));
    }

    /**
     * @param name an exchange's name.
     * @return the exchange (built in or declared), or empty.
     */
    public Optional<ExchangeDef> exchange(final String name)
    {
        return Optional.ofNullable(exchanges.get(name));
    }

    /**
     * @param name a queue's name.
     * @return the queue, or empty.
     */
    public Optional<QueueDef> queue(final String name)
    {
        return Optional.ofNullable(queues.get(name));
    }

    /**
     * @return every queue.
     */
    public Collection<QueueDef> queues()
    {
        return List.copyOf(queues.values());
    }

    /**
     * @return every declared exchange, built-in ones included.
     */
    public Collection<ExchangeDef> exchanges()
    {
        return List.copyOf(exchanges.values());
    }

    /**
     * @return every binding.
     */
    public Collection<BindingDef> bindings()
    {
        return List.copyOf(bindings.values());
    }

    /**
     * @param exchange an exchange's name.
     * @return the bindings whose source it is.
     */
    public List<BindingDef> bindingsFrom(final String exchange)
    {
        final Map<String, BindingDef> from = bindingsBySource.get(exchange);
        return from == null ? List.of() : List.copyOf(from.values());
    }

    /**
     * @param toQueue     true for a queue, false for an exchange.
     * @param destination its name.
     * @return the bindings that lead to it.
     */
    public List<BindingDef> bindingsTo(final boolean toQueue, final String destination)
    {
        final List<BindingDef> to = new ArrayList<>();
        for (final BindingDef binding : bindings.values())
        {
            if (binding.toQueue() == toQueue && binding.destination().equals(destination))
            {
                to.add(binding);
            }
        }
        return to;
    }

    /**
     * Route a message: the queues its exchange's bindings lead to, through exchange-to-exchange
     * bindings and alternate exchanges (which take what an exchange could not route), each queue
     * once.
     *
     * @param exchange   the exchange it was published to.
     * @param routingKey its routing key.
     * @param headers    its headers, normalized, or null.
     * @param into       given the names of the queues it goes to.
     */
    public void route(final String exchange, final String routingKey, final Map<String, Object> headers,
        final Set<String> into)
    {
        route(exchange, routingKey, headers, into, new ArrayList<>(), 0);
    }

    private void route(final String exchange, final String routingKey, final Map<String, Object> headers,
        final Set<String> into, final List<String> visited, final int hops)
    {
        if (hops > MAX_HOPS || visited.contains(exchange))
        {
            return;
        }
        visited.add(exchange);
        final ExchangeDef def = exchanges.get(exchange);
        if (def == null)
        {
            return;
        }
        boolean routed = false;
        if (DEFAULT_EXCHANGE.equals(exchange))
        {
            if (queues.containsKey(routingKey))
            {
                into.add(routingKey);
                routed = true;
            }
        }
        else
        {
            final Routes exchangeRoutes = routes.get(exchange);
            if (exchangeRoutes != null)
            {
                final List<BindingDef> matched = new ArrayList<>();
                exchangeRoutes.match(routingKey, headers, matched);
                for (final BindingDef binding : matched)
                {
                    if (binding.toQueue())
                    {
                        if (queues.containsKey(binding.destination()))
                        {
                            into.add(binding.destination());
                            routed = true;
                        }
                    }
                    else
                    {
                        final int before = into.size();
                        route(binding.destination(), routingKey, headers, into, visited, hops + 1);
                        routed |= into.size() > before;
                    }
                }
            }
        }
        final String alternate = def.alternateExchange();
        if (!routed && alternate != null)
        {
            route(alternate, routingKey, headers, into, visited, hops + 1);
        }
    }

    @Override
    public void close()
    {
        watch.close();
    }
}
