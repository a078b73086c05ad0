package io.robustmq.plugin.amqp.topology;

import io.robustmq.plugin.amqp.codec.AmqpError;
import io.robustmq.plugin.amqp.codec.FieldTables;
import io.robustmq.plugin.amqp.codec.ReplyCode;
import io.robustmq.plugin.api.metadata.Metadata;
import io.robustmq.plugin.api.metadata.MetadataException;
import io.robustmq.plugin.api.metadata.ObjectInfo;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * Declares, deletes, binds and unbinds through the cluster's metadata, with AMQP's rules: a
 * declaration of what exists must be equivalent (else 406), {@code amq.*} names are reserved (403),
 * the default exchange cannot be bound or deleted (403), what is named must exist (404). A write
 * that loses a race with another node's (the object was created meanwhile) is checked against the
 * winner as a declaration of an existing object would be.
 * <p>
 * Every outcome is a stage that completes on a Meta Service thread, or at once; a refusal completes
 * it exceptionally with an {@link AmqpError}. Thread-safe.
 */
public final class TopologyWrites
{
    /** The only virtual host, as reply texts name it. */
    static final String VHOST = "/";
    private static final String RESERVED_PREFIX = "amq.";

    private final Metadata metadata;
    private final Topology topology;

    /**
     * @param metadata the cluster's metadata.
     * @param topology this node's view of it.
     */
    public TopologyWrites(final Metadata metadata, final Topology topology)
    {
        this.metadata = metadata;
        this.topology = topology;
    }

    /**
     * exchange.declare.
     *
     * @param wanted  the exchange as declared.
     * @param passive only check that it exists.
     * @param classId the method's class and id, for errors.
     * @return done once it exists as declared.
     */
    public CompletionStage<Void> declareExchange(final ExchangeDef wanted, final boolean passive, final int classId,
        final int methodId)
    {
        final String name = wanted.name();
        final var existing = topology.exchange(name);
        if (passive)
        {
            return existing.isPresent() ? done() : failed(ReplyCode.NOT_FOUND, "no exchange '" + name + "' in vhost '" +
                VHOST + "'", classId, methodId);
        }
        if (Topology.DEFAULT_EXCHANGE.equals(name))
        {
            return failed(ReplyCode.ACCESS_REFUSED, "operation not permitted on the default exchange", classId, methodId);
        }
        if (existing.isPresent())
        {
            return equivalent(existing.get(), wanted, classId, methodId);
        }
        if (name.startsWith(RESERVED_PREFIX))
        {
            return failed(ReplyCode.ACCESS_REFUSED, "exchange name '" + name + "' contains reserved prefix 'amq.*'",
                classId, methodId);
        }
        return metadata.putObject(Entities.OWNER, Entities.EXCHANGE, name, Entities.encode(wanted), ObjectInfo.ABSENT)
            .handle((stored, failure) ->
            {
                if (failure == null)
                {
                    return topology.awaitSeen(Entities.EXCHANGE, name, stored.version());
                }
                if (reason(failure) == MetadataException.Reason.ALREADY_EXISTS)
                {
                    return metadata.object(Entities.OWNER, Entities.EXCHANGE, name)
                        .map(object -> equivalent(Entities.exchange(name, object.value()), wanted, classId, methodId))
                        .orElseGet(TopologyWrites::done);
                }
                return TopologyWrites.<Void>unavailable(failure, classId, methodId);
            }).thenCompose(stage -> stage);
    }

    private static CompletionStage<Void> equivalent(final ExchangeDef current, final ExchangeDef wanted,
        final int classId, final int methodId)
    {
        final String what = "exchange '" + current.name() + "'";
        if (current.type() != wanted.type())
        {
            return inequivalent("type", what, wanted.type().label(), current.type().label(), classId, methodId);
        }
        if (current.durable() != wanted.durable())
        {
            return inequivalent("durable", what, wanted.durable(), current.durable(), classId, methodId);
        }
        if (current.autoDelete() != wanted.autoDelete())
        {
            return inequivalent("auto_delete", what, wanted.autoDelete(), current.autoDelete(), classId, methodId);
        }
        if (current.internal() != wanted.internal())
        {
            return inequivalent("internal", what, wanted.internal(), current.internal(), classId, methodId);
        }
        return equivalentArguments(what, current.arguments(), wanted.arguments(), classId, methodId);
    }

    private static CompletionStage<Void> equivalentArguments(final String what, final Map<String, Object> current,
        final Map<String, Object> wanted, final int classId, final int methodId)
    {
        final List<String> keys = new ArrayList<>(current.keySet());
        for (final String key : wanted.keySet())
        {
            if (!keys.contains(key))
            {
                keys.add(key);
            }
        }
        for (final String key : keys)
        {
            if (!Objects.equals(current.get(key), wanted.get(key)))
            {
                return inequivalent(key, what, wanted.get(key), current.get(key), classId, methodId);
            }
        }
        return done();
    }

    private static CompletionStage<Void> inequivalent(final String argument, final String what, final Object received,
        final Object current, final int classId, final int methodId)
    {
        return failed(ReplyCode.PRECONDITION_FAILED, "inequivalent arg '" + argument + "' for " + what + " in vhost '" +
            VHOST + "': received " + shown(received) + " but current is " + shown(current), classId, methodId);
    }

    private static String shown(final Object value)
    {
        return value == null ? "none" : "'" + FieldTables.show(value) + "'";
    }

    /**
     * exchange.delete: the exchange and every binding to or from it. Deleting one that does not exist
     * is done, as RabbitMQ does.
     *
     * @param name     the exchange.
     * @param ifUnused refuse (406) if it is the source of a binding.
     * @return done once it is gone.
     */
    public CompletionStage<Void> deleteExchange(final String name, final boolean ifUnused, final int classId,
        final int methodId)
    {
        if (Topology.DEFAULT_EXCHANGE.equals(name) || Topology.BUILT_IN.containsKey(name))
        {
            return failed(ReplyCode.ACCESS_REFUSED, "operation not permitted on " + (name.isEmpty() ?
                "the default exchange" : "exchange '" + name + "'"), classId, methodId);
        }
        if (topology.exchange(name).isEmpty())
        {
            return done();
        }
        final List<BindingDef> from = topology.bindingsFrom(name);
        if (ifUnused && !from.isEmpty())
        {
            return failed(ReplyCode.PRECONDITION_FAILED, "exchange '" + name + "' in vhost '" + VHOST + "' in use",
                classId, methodId);
        }
        final List<BindingDef> doomed = new ArrayList<>(from);
        doomed.addAll(topology.bindingsTo(false, name));
        return deleteBindings(doomed, classId, methodId)
            .thenCompose(ignored -> deleteObject(Entities.EXCHANGE, name, classId, methodId));
    }

    /**
     * Declare a queue that does not exist yet (the caller checked equivalence and exclusivity of one that
     * does). A write that loses a race to another connection's is reported as
     * {@link MetadataException.Reason#ALREADY_EXISTS}, for the caller to check the winner.
     *
     * @param queue the queue.
     * @return done once the metadata holds it.
     */
    public CompletionStage<Void> createQueue(final QueueDef queue, final int classId, final int methodId)
    {
        return metadata.putObject(Entities.OWNER, Entities.QUEUE, queue.name(), Entities.encode(queue), ObjectInfo.ABSENT)
            .handle((stored, failure) -> failure == null ?
                topology.awaitSeen(Entities.QUEUE, queue.name(), stored.version()) :
                reason(failure) == MetadataException.Reason.ALREADY_EXISTS ?
                    TopologyWrites.<Void>failedWith(new AmqpError(ReplyCode.RESOURCE_LOCKED, "queue '" + queue.name() +
                        "' was declared by another connection meanwhile", classId, methodId)) :
                    TopologyWrites.<Void>unavailable(failure, classId, methodId))
            .thenCompose(stage -> stage);
    }

    /**
     * @param queue     the queue as it exists.
     * @param wanted    the queue as declared again.
     * @return done if they are equivalent; 406 if not.
     */
    public static CompletionStage<Void> equivalent(final QueueDef queue, final QueueDef wanted, final int classId,
        final int methodId)
    {
        final String what = "queue '" + queue.name() + "'";
        if (queue.durable() != wanted.durable())
        {
            return inequivalent("durable", what, wanted.durable(), queue.durable(), classId, methodId);
        }
        if (queue.autoDelete() != wanted.autoDelete())
        {
            return inequivalent("auto_delete", what, wanted.autoDelete(), queue.autoDelete(), classId, methodId);
        }
        if (queue.exclusive() != wanted.exclusive())
        {
            return inequivalent("exclusive", what, wanted.exclusive(), queue.exclusive(), classId, methodId);
        }
        return equivalentArguments(what, queue.arguments(), wanted.arguments(), classId, methodId);
    }

    /**
     * Delete a queue's object and every binding to it (its storage is the caller's).
     *
     * @param name the queue.
     * @return done once they are gone.
     */
    public CompletionStage<Void> deleteQueue(final String name, final int classId, final int methodId)
    {
        return deleteBindings(topology.bindingsTo(true, name), classId, methodId)
            .thenCompose(ignored -> deleteObject(Entities.QUEUE, name, classId, methodId));
    }

    /**
     * queue.bind and exchange.bind.
     *
     * @param binding the binding.
     * @return done once it exists.
     */
    public CompletionStage<Void> bind(final BindingDef binding, final int classId, final int methodId)
    {
        final CompletionStage<Void> refused = bindable(binding, classId, methodId);
        if (refused != null)
        {
            return refused;
        }
        final String name = binding.objectName();
        if (topology.bindingsFrom(binding.source()).stream().anyMatch(existing -> existing.objectName().equals(name)))
        {
            // Already bound: done, as RabbitMQ does, without a write through the cluster (clients
            // such as PerfTest bind again on every start, and a commit can take long on a busy disk).
            return CompletableFuture.completedFuture(null);
        }
        return metadata.putObject(Entities.OWNER, Entities.BINDING, binding.objectName(), Entities.encode(binding),
            ObjectInfo.ANY).handle((stored, failure) -> failure == null ?
                topology.awaitSeen(Entities.BINDING, binding.objectName(), stored.version()) :
                TopologyWrites.<Void>unavailable(failure, classId, methodId)).thenCompose(stage -> stage);
    }

    /**
     * queue.unbind and exchange.unbind: done also if there was no such binding, as RabbitMQ does.
     *
     * @param binding the binding.
     * @return done once it is gone.
     */
    public CompletionStage<Void> unbind(final BindingDef binding, final int classId, final int methodId)
    {
        if (Topology.DEFAULT_EXCHANGE.equals(binding.source()))
        {
            return failed(ReplyCode.ACCESS_REFUSED, "operation not permitted on the default exchange", classId, methodId);
        }
        return deleteBindings(List.of(binding), classId, methodId);
    }

    private CompletionStage<Void> bindable(final BindingDef binding, final int classId, final int methodId)
    {
        if (Topology.DEFAULT_EXCHANGE.equals(binding.source()) ||
            !binding.toQueue() && Topology.DEFAULT_EXCHANGE.equals(binding.destination()))
        {
            return failed(ReplyCode.ACCESS_REFUSED, "operation not permitted on the default exchange", classId, methodId);
        }
        if (topology.exchange(binding.source()).isEmpty())
        {
            return failed(ReplyCode.NOT_FOUND, "no exchange '" + binding.source() + "' in vhost '" + VHOST + "'",
                classId, methodId);
        }
        final boolean destinationExists = binding.toQueue() ? topology.queue(binding.destination()).isPresent() :
            topology.exchange(binding.destination()).isPresent();
        if (!destinationExists)
        {
            return failed(ReplyCode.NOT_FOUND, "no " + (binding.toQueue() ? "queue '" : "exchange '") +
                binding.destination() + "' in vhost '" + VHOST + "'", classId, methodId);
        }
        return null;
    }

    private CompletionStage<Void> deleteBindings(final List<BindingDef> doomed, final int classId, final int methodId)
    {
        CompletionStage<Void> all = done();
        final List<String> sources = new ArrayList<>();
        for (final BindingDef binding : doomed)
        {
            sources.add(binding.source());
            all = all.thenCompose(ignored -> deleteObject(Entities.BINDING, binding.objectName(), classId, methodId));
        }
        return all.thenCompose(ignored -> autoDeleteExchanges(sources, classId, methodId));
    }

    /**
     * Delete the auto-delete exchanges among these that no binding leaves from any more.
     */
    private CompletionStage<Void> autoDeleteExchanges(final List<String> names, final int classId, final int methodId)
    {
        CompletionStage<Void> all = done();
        for (final String name : names)
        {
            final boolean unused = topology.exchange(name).map(ExchangeDef::autoDelete).orElse(false) &&
                topology.bindingsFrom(name).isEmpty();
            if (unused)
            {
                all = all.thenCompose(ignored -> deleteExchange(name, true, classId, methodId)
                    .exceptionally(failure -> null));
            }
        }
        return all;
    }

    private CompletionStage<Void> deleteObject(final String kind, final String name, final int classId,
        final int methodId)
    {
        return metadata.deleteObject(Entities.OWNER, kind, name, ObjectInfo.ANY)
            .handle((ignored, failure) -> failure == null || reason(failure) == MetadataException.Reason.NOT_FOUND ?
                topology.awaitSeen(kind, name, ObjectInfo.ABSENT) :
                TopologyWrites.<Void>unavailable(failure, classId, methodId))
            .thenCompose(stage -> stage);
    }

    private static MetadataException.Reason reason(final Throwable failure)
    {
        final Throwable cause = failure instanceof CompletionException && failure.getCause() != null ?
            failure.getCause() : failure;
        return cause instanceof MetadataException metadataFailure ? metadataFailure.reason() : null;
    }

    private static <T> CompletionStage<T> unavailable(final Throwable failure, final int classId, final int methodId)
    {
        final Throwable cause = failure instanceof CompletionException && failure.getCause() != null ?
            failure.getCause() : failure;
        return failedWith(new AmqpError(ReplyCode.INTERNAL_ERROR, "the cluster's metadata refused the change: " +
            cause.getMessage(), classId, methodId));
    }

    private static CompletionStage<Void> done()
    {
        return CompletableFuture.completedFuture(null);
    }

    private static CompletionStage<Void> failed(final ReplyCode code, final String text, final int classId,
        final int methodId)
    {
        return failedWith(new AmqpError(code, text, classId, methodId));
    }

    private static <T> CompletionStage<T> failedWith(final AmqpError error)
    {
        return CompletableFuture.failedFuture(error);
    }
}
