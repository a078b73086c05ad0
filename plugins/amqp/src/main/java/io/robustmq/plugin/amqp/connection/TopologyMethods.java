package io.robustmq.plugin.amqp.connection;

import com.rabbitmq.client.impl.AMQImpl;
import com.rabbitmq.client.impl.Method;
import io.robustmq.plugin.amqp.codec.AmqpError;
import io.robustmq.plugin.amqp.codec.FieldTables;
import io.robustmq.plugin.amqp.codec.ReplyCode;
import io.robustmq.plugin.amqp.queue.QueueArguments;
import io.robustmq.plugin.amqp.queue.QueueStorage;
import io.robustmq.plugin.amqp.queue.Queues;
import io.netty.util.concurrent.EventExecutor;
import io.robustmq.plugin.amqp.topology.BindingDef;
import io.robustmq.plugin.amqp.topology.ExchangeDef;
import io.robustmq.plugin.amqp.topology.ExchangeType;
import io.robustmq.plugin.amqp.topology.QueueDef;
import io.robustmq.plugin.amqp.topology.Topology;
import io.robustmq.plugin.amqp.topology.TopologyWrites;

import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;

/**
 * The exchange and queue classes' methods: declare, delete, bind, unbind, purge. Each is answered by a
 * stage that completes with the reply to send (null when the client asked for no-wait) or fails with
 * an {@link AmqpError}; the connection reads nothing more until it completes, so a channel's methods
 * are answered in order and what one declared is there for the next.
 * <p>
 * Queue names follow the specification's shortcuts: an empty name in queue.bind, unbind, purge and
 * delete is the queue the channel declared last, and an empty routing key in queue.bind is that
 * queue's name. Exclusive queues belong to the connection that declared them (405 for any other) and
 * go with it.
 * <p>
 * Threading: called on the connection's event loop; stages complete on Meta Service or queue threads.
 */
final class TopologyMethods
{
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(TopologyMethods.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final int EXCHANGE = 40;
    private static final int QUEUE = 50;

    private final Topology topology;
    private final TopologyWrites writes;
    private final QueueStorage storage;
    private final Queues queues;
    private final int nodeId;

    /**
     * @param topology this node's view of exchanges, queues and bindings.
     * @param writes   changes them.
     * @param storage  queues' messages.
     * @param queues   the queues in use on this node.
     * @param nodeId   this node.
     */
    TopologyMethods(final Topology topology, final TopologyWrites writes, final QueueStorage storage,
        final Queues queues, final int nodeId)
    {
        this.topology = topology;
        this.writes = writes;
        this.storage = storage;
        this.queues = queues;
        this.nodeId = nodeId;
    }

    /**
     * @param method a method of the exchange or queue class.
     * @return true if this class answers it.
     */
    static boolean handles(final Method method)
    {
        return method.protocolClassId() == EXCHANGE || method.protocolClassId() == QUEUE;
    }

    /**
     * Answer a method of the exchange or queue class.
     *
     * @param connection the connection's identity and exclusive queues.
     * @param channel    the channel it came on.
     * @param method     the method.
     * @return the reply, or null for no-wait; fails with an {@link AmqpError}.
     */
    CompletionStage<Method> handle(final ConnectionIdentity connection, final AmqpChannel channel, final Method method,
        final EventExecutor executor)
    {
        try
        {
            if (method instanceof AMQImpl.Exchange.Declare declare)
            {
                return declareExchange(declare);
            }
            if (method instanceof AMQImpl.Exchange.Delete delete)
            {
                return reply(writes.deleteExchange(delete.getExchange(), delete.getIfUnused(), EXCHANGE, 20),
                    delete.getNowait(), new AMQImpl.Exchange.DeleteOk());
            }
            if (method instanceof AMQImpl.Exchange.Bind bind)
            {
                return reply(writes.bind(new BindingDef(bind.getSource(), false, bind.getDestination(),
                    bind.getRoutingKey(), FieldTables.normalizeTable(bind.getArguments())), EXCHANGE, 30),
                    bind.getNowait(), new AMQImpl.Exchange.BindOk());
            }
            if (method instanceof AMQImpl.Exchange.Unbind unbind)
            {
                return reply(writes.unbind(new BindingDef(unbind.getSource(), false, unbind.getDestination(),
                    unbind.getRoutingKey(), FieldTables.normalizeTable(unbind.getArguments())), EXCHANGE, 40),
                    unbind.getNowait(), new AMQImpl.Exchange.UnbindOk());
            }
            if (method instanceof AMQImpl.Queue.Declare declare)
            {
                return declareQueue(connection, channel, declare, executor);
            }
            if (method instanceof AMQImpl.Queue.Bind bind)
            {
                return bindQueue(connection, channel, bind);
            }
            if (method instanceof AMQImpl.Queue.Unbind unbind)
            {
                return unbindQueue(connection, channel, unbind);
            }
            if (method instanceof AMQImpl.Queue.Purge purge)
            {
                return purgeQueue(connection, channel, purge, executor);
            }
            if (method instanceof AMQImpl.Queue.Delete delete)
            {
                return deleteQueue(connection, channel, delete, executor);
            }
            throw new AmqpError(ReplyCode.COMMAND_INVALID, method.protocolMethodName() + " is sent by servers, not " +
                "clients", method.protocolClassId(), method.protocolMethodId());
        }
        catch (final AmqpError error)
        {
            return CompletableFuture.failedFuture(error);
        }
    }

    private CompletionStage<Method> declareExchange(final AMQImpl.Exchange.Declare declare) throws AmqpError
    {
        final Optional<ExchangeType> type = ExchangeType.of(declare.getType());
        if (type.isEmpty() && !declare.getPassive())
        {
            throw new AmqpError(ReplyCode.COMMAND_INVALID, "unknown exchange type '" + declare.getType() + "'",
                EXCHANGE, 10);
        }
        final ExchangeDef wanted = new ExchangeDef(declare.getExchange(), type.orElse(ExchangeType.DIRECT),
            declare.getDurable(), declare.getAutoDelete(), declare.getInternal(),
            FieldTables.normalizeTable(declare.getArguments()), nodeId);
        return reply(writes.declareExchange(wanted, declare.getPassive(), EXCHANGE, 10), declare.getNowait(),
            new AMQImpl.Exchange.DeclareOk());
    }

    private CompletionStage<Method> declareQueue(final ConnectionIdentity connection, final AmqpChannel channel,
        final AMQImpl.Queue.Declare declare, final EventExecutor executor) throws AmqpError
    {
        final String name = declare.getQueue().isEmpty() ? "amq.gen-" + randomSuffix() : declare.getQueue();
        final Map<String, Object> arguments = FieldTables.normalizeTable(declare.getArguments());
        final Optional<QueueDef> existing = topology.queue(name);
        if (declare.getPassive())
        {
            if (existing.isEmpty())
            {
                throw new AmqpError(ReplyCode.NOT_FOUND, "no queue '" + name + "' in vhost '/'", QUEUE, 10);
            }
            usable(connection, existing.get(), 10);
            channel.lastQueue(name);
            return reply(declareOk(existing.get(), executor), declare.getNowait());
        }
        if (!declare.getQueue().isEmpty() && name.startsWith("amq."))
        {
            throw new AmqpError(ReplyCode.ACCESS_REFUSED, "queue name '" + name + "' contains reserved prefix 'amq.*'",
                QUEUE, 10);
        }
        final int levels = QueueArguments.of(name, arguments).levels();
        final QueueDef wanted = new QueueDef(name, declare.getDurable(), declare.getAutoDelete(),
            declare.getExclusive() ? connection.id() : "", arguments, "", nodeId);
        if (existing.isPresent())
        {
            usable(connection, existing.get(), 10);
            channel.lastQueue(name);
            return reply(TopologyWrites.equivalent(existing.get(), wanted, QUEUE, 10)
                .thenCompose(ignored -> declareOk(existing.get(), executor)), declare.getNowait());
        }
        final CompletionStage<Method> created = storage.create(wanted.durable(), levels).thenCompose(topic ->
        {
            final QueueDef queue = new QueueDef(name, wanted.durable(), wanted.autoDelete(), wanted.exclusiveOwner(),
                arguments, topic, nodeId);
            return writes.createQueue(queue, QUEUE, 10).handle((done, failure) ->
            {
                if (failure != null)
                {
                    storage.delete(queue);
                    throw failure instanceof CompletionException completion ? completion : new CompletionException(failure);
                }
                if (queue.exclusive())
                {
                    connection.exclusiveQueues().add(name);
                    if (connection.closed().get())
                    {
                        // The connection closed while the queue was being declared: it goes with it.
                        closed(connection);
                    }
                }
                return (Method)new AMQImpl.Queue.DeclareOk(name, 0, 0);
            });
        });
        channel.lastQueue(name);
        return reply(created, declare.getNowait());
    }

    private CompletionStage<Method> declareOk(final QueueDef queue, final EventExecutor executor)
    {
        if (!storage.servedHere(queue))
        {
            // The queue exists (the metadata says so), but another node serves it: its counts are that
            // node's to tell, and this one says 0 (see docs/amqp.md, "Clusters").
            return CompletableFuture.completedFuture(new AMQImpl.Queue.DeclareOk(queue.name(), 0, 0));
        }
        return queues.runtime(queue, executor).thenApply(runtime ->
        {
            runtime.touch();
            return new AMQImpl.Queue.DeclareOk(queue.name(), (int)Math.min(Integer.MAX_VALUE, runtime.readyCount()),
                runtime.consumerCount());
        });
    }

    private CompletionStage<Method> bindQueue(final ConnectionIdentity connection, final AmqpChannel channel,
        final AMQImpl.Queue.Bind bind) throws AmqpError
    {
        final QueueDef queue = namedQueue(connection, channel, bind.getQueue(), 20);
        final String routingKey = bind.getRoutingKey().isEmpty() && bind.getQueue().isEmpty() ? queue.name() :
            bind.getRoutingKey();
        return reply(writes.bind(new BindingDef(bind.getExchange(), true, queue.name(), routingKey,
            FieldTables.normalizeTable(bind.getArguments())), QUEUE, 20), bind.getNowait(), new AMQImpl.Queue.BindOk());
    }

    private CompletionStage<Method> unbindQueue(final ConnectionIdentity connection, final AmqpChannel channel,
        final AMQImpl.Queue.Unbind unbind) throws AmqpError
    {
        final String name = unbind.getQueue().isEmpty() ? channel.lastQueue() : unbind.getQueue();
        final Optional<QueueDef> queue = topology.queue(name);
        if (queue.isPresent())
        {
            usable(connection, queue.get(), 50);
        }
        return reply(writes.unbind(new BindingDef(unbind.getExchange(), true, name, unbind.getRoutingKey(),
            FieldTables.normalizeTable(unbind.getArguments())), QUEUE, 50), false, new AMQImpl.Queue.UnbindOk());
    }

    private CompletionStage<Method> purgeQueue(final ConnectionIdentity connection, final AmqpChannel channel,
        final AMQImpl.Queue.Purge purge, final EventExecutor executor) throws AmqpError
    {
        final QueueDef queue = namedQueue(connection, channel, purge.getQueue(), 30);
        final CompletionStage<Method> purged = queues.runtime(queue, executor).thenCompose(runtime ->
        {
            final CompletableFuture<Method> done = new CompletableFuture<>();
            runtime.purge(count -> done.complete(new AMQImpl.Queue.PurgeOk((int)Math.min(Integer.MAX_VALUE, count))));
            return done;
        });
        return reply(purged, purge.getNowait());
    }

    private CompletionStage<Method> deleteQueue(final ConnectionIdentity connection, final AmqpChannel channel,
        final AMQImpl.Queue.Delete delete, final EventExecutor executor) throws AmqpError
    {
        final String name = delete.getQueue().isEmpty() ? channel.lastQueue() : delete.getQueue();
        final Optional<QueueDef> existing = topology.queue(name);
        if (existing.isEmpty())
        {
            return reply(CompletableFuture.completedFuture(new AMQImpl.Queue.DeleteOk(0)), delete.getNowait());
        }
        final QueueDef queue = existing.get();
        usable(connection, queue, 40);
        final CompletionStage<Method> deleted = queues.runtime(queue, executor).thenCompose(runtime ->
        {
            final long messages = runtime.readyCount();
            if (delete.getIfUnused() && runtime.consumerCount() > 0)
            {
                throw new CompletionException(new AmqpError(ReplyCode.PRECONDITION_FAILED, "queue '" + name +
                    "' in vhost '/' in use", QUEUE, 40));
            }
            if (delete.getIfEmpty() && messages + runtime.unacknowledgedCount() > 0)
            {
                throw new CompletionException(new AmqpError(ReplyCode.PRECONDITION_FAILED, "queue '" + name +
                    "' in vhost '/' is not empty", QUEUE, 40));
            }
            return delete(connection, queue).thenApply(ignored ->
                (Method)new AMQImpl.Queue.DeleteOk((int)Math.min(Integer.MAX_VALUE, messages)));
        });
        return reply(deleted, delete.getNowait());
    }

    /**
     * Delete a queue: its bindings, its object, its messages.
     *
     * @param connection the connection deleting it.
     * @param queue      the queue.
     * @return done once it is gone.
     */
    CompletionStage<Void> delete(final ConnectionIdentity connection, final QueueDef queue)
    {
        return delete(queue).thenRun(() -> connection.exclusiveQueues().remove(queue.name()));
    }

    /**
     * Delete a queue: its bindings and its object, then its consumers are cancelled, then its messages go.
     *
     * @param queue the queue.
     * @return done once it is gone.
     */
    CompletionStage<Void> delete(final QueueDef queue)
    {
        return writes.deleteQueue(queue.name(), QUEUE, 40).thenCompose(ignored ->
        {
            queues.deleted(queue);
            return storage.delete(queue);
        });
    }

    /**
     * A connection closed: delete the exclusive queues it held.
     *
     * @param connection the connection.
     */
    void closed(final ConnectionIdentity connection)
    {
        connection.closed().set(true);
        for (final String name : List.copyOf(connection.exclusiveQueues()))
        {
            topology.queue(name).filter(queue -> queue.exclusiveOwner().equals(connection.id())).ifPresent(queue ->
                delete(connection, queue).whenComplete((done, failure) ->
                {
                    if (failure != null)
                    {
                        LOG.warn("AMQP: exclusive queue {} of closed connection {} could not be deleted: {}", name,
                            connection.id(), failure.toString());
                    }
                }));
        }
    }

    QueueDef namedQueue(final ConnectionIdentity connection, final AmqpChannel channel, final String name,
        final int methodId) throws AmqpError
    {
        final String resolved = name.isEmpty() ? channel.lastQueue() : name;
        if (resolved.isEmpty())
        {
            throw new AmqpError(ReplyCode.NOT_FOUND, "no previously declared queue", QUEUE, methodId);
        }
        final QueueDef queue = topology.queue(resolved).orElseThrow(() ->
            new AmqpError(ReplyCode.NOT_FOUND, "no queue '" + resolved + "' in vhost '/'", QUEUE, methodId));
        usable(connection, queue, methodId);
        return queue;
    }

    private static void usable(final ConnectionIdentity connection, final QueueDef queue, final int methodId)
        throws AmqpError
    {
        if (queue.exclusive() && !queue.exclusiveOwner().equals(connection.id()))
        {
            throw new AmqpError(ReplyCode.RESOURCE_LOCKED, "cannot obtain exclusive access to locked queue '" +
                queue.name() + "' in vhost '/'. It could be originally declared on another connection or the " +
                "exclusive property value does not match that of the original declaration.", QUEUE, methodId);
        }
    }

    private static CompletionStage<Method> reply(final CompletionStage<Void> done, final boolean noWait,
        final Method reply)
    {
        return done.thenApply(ignored -> noWait ? null : reply);
    }

    private static CompletionStage<Method> reply(final CompletionStage<Method> done, final boolean noWait)
    {
        return noWait ? done.thenApply(ignored -> null) : done;
    }

    private static String randomSuffix()
    {
        final byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }
}
