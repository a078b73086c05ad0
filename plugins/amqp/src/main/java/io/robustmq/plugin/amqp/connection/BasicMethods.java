package io.robustmq.plugin.amqp.connection;

import com.rabbitmq.client.impl.AMQImpl;
import com.rabbitmq.client.impl.Method;
import io.netty.buffer.ByteBuf;
import io.netty.channel.ChannelHandlerContext;
import io.robustmq.plugin.amqp.codec.AmqpError;
import io.robustmq.plugin.amqp.codec.Content;
import io.robustmq.plugin.amqp.codec.ContentHeader;
import io.robustmq.plugin.amqp.codec.FieldTables;
import io.robustmq.plugin.amqp.codec.ReplyCode;
import io.robustmq.plugin.amqp.queue.PublishConfirms;
import io.robustmq.plugin.amqp.queue.QueueRuntime;
import io.robustmq.plugin.amqp.queue.Queues;
import io.robustmq.plugin.amqp.queue.StoredMessage;
import io.robustmq.plugin.amqp.topology.ExchangeDef;
import io.robustmq.plugin.amqp.topology.QueueDef;
import io.robustmq.plugin.amqp.topology.Topology;
import io.robustmq.plugin.api.storage.BatchFormat;
import io.robustmq.plugin.api.storage.Shard;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * One connection's basic and confirm classes: publishing (the method, its content header and body,
 * routing, one append per queue routed to, basic.return for a mandatory message no queue took,
 * publisher confirms once every append is stored), consuming (basic.consume and cancel, deliveries,
 * basic.get), acknowledgements (ack, nack, reject, recover) and basic.qos.
 * <p>
 * Threading: the connection's event loop, but for {@link #deliverLater}, {@link #cancelledByQueue}
 * and {@link #writable}, which queues' loops call.
 */
final class BasicMethods
{
    private static final int BASIC = 60;
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final long RETRY_MS = 1;
    /** A message body's buffer starts at most this large and grows as the body arrives. */
    private static final int BODY_CHUNK = 64 * 1024;
    /** Deliveries waiting for the connection's loop beyond this many bytes stop the queues' deliveries. */
    private static final long MAX_PENDING_DELIVERY_BYTES = 1024 * 1024;
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(BasicMethods.class);

    private final ConnectionWire wire;
    private final Topology topology;
    private final Queues queues;
    private final PublishConfirms confirms;
    /** Reads each message delivered, on the connection's loop only. */
    private final StoredMessage delivering = new StoredMessage();
    private final Clock clock;
    private final long maxMessageBytes;
    private final Set<String> routed = new LinkedHashSet<>();
    private final long maxBodyBytesInProgress;
    private long bodyBytesInProgress;
    /** Bytes of deliveries handed to this connection's loop and not yet written. */
    private final java.util.concurrent.atomic.AtomicLong pendingDeliveryBytes = new java.util.concurrent.atomic.AtomicLong();

    /**
     * @param wire            the connection: its context, its writes, its errors.
     * @param topology        exchanges, queues, bindings.
     * @param queues          the queues in use on this node.
     * @param confirms        the outcome of appends.
     * @param clock           the node's clock (a stored message's time).
     * @param maxMessageBytes the largest message body accepted.
     */
    BasicMethods(final ConnectionWire wire, final Topology topology, final Queues queues, final PublishConfirms confirms,
        final Clock clock, final long maxMessageBytes)
    {
        this.wire = wire;
        this.topology = topology;
        this.queues = queues;
        this.confirms = confirms;
        this.clock = clock;
        this.maxMessageBytes = maxMessageBytes;
        this.maxBodyBytesInProgress = Math.max(4 * maxMessageBytes, BODY_CHUNK);
    }

    /**
     * @param method a method.
     * @return true if the basic, confirm or tx class answers it here.
     */
    static boolean handles(final Method method)
    {
        final int classId = method.protocolClassId();
        return classId == BASIC || classId == 85 || classId == 90;
    }

    /**
     * @return true if the connection's socket takes more writes now (any thread).
     */
    boolean writable()
    {
        return wire.ctx().channel().isWritable() && pendingDeliveryBytes.get() < MAX_PENDING_DELIVERY_BYTES;
    }

    /**
     * basic.ack, read in place by the connection.
     *
     * @param channel     the channel.
     * @param deliveryTag the delivery tag.
     * @param multiple    whether every delivery up to it is acknowledged.
     */
    void onAck(final AmqpChannel channel, final long deliveryTag, final boolean multiple) throws AmqpError
    {
        settle(channel, deliveryTag, multiple, false, 80);
    }

    /**
     * Answer a basic, confirm or tx method.
     *
     * @return true to go on reading; false while an answer is awaited.
     */
    boolean onMethod(final AmqpChannel channel, final Method method) throws AmqpError
    {
        if (method instanceof AMQImpl.Basic.Publish publish)
        {
            onPublish(channel, publish);
            return true;
        }
        if (method instanceof AMQImpl.Basic.Ack ack)
        {
            onAck(channel, ack.getDeliveryTag(), ack.getMultiple());
            return true;
        }
        if (method instanceof AMQImpl.Basic.Nack nack)
        {
            settle(channel, nack.getDeliveryTag(), nack.getMultiple(), nack.getRequeue(), 120);
            return true;
        }
        if (method instanceof AMQImpl.Basic.Reject reject)
        {
            settle(channel, reject.getDeliveryTag(), false, reject.getRequeue(), 90);
            return true;
        }
        if (method instanceof AMQImpl.Basic.Consume consume)
        {
            return onConsume(channel, consume);
        }
        if (method instanceof AMQImpl.Basic.Cancel cancel)
        {
            return onCancel(channel, cancel);
        }
        if (method instanceof AMQImpl.Basic.Get get)
        {
            return onGet(channel, get);
        }
        if (method instanceof AMQImpl.Basic.Qos qos)
        {
            onQos(channel, qos);
            return true;
        }
        if (method instanceof AMQImpl.Basic.Recover recover)
        {
            recover(channel, recover.getRequeue(), 110);
            wire.send(channel.number(), new AMQImpl.Basic.RecoverOk());
            return true;
        }
        if (method instanceof AMQImpl.Basic.RecoverAsync recover)
        {
            recover(channel, recover.getRequeue(), 100);
            return true;
        }
        if (method instanceof AMQImpl.Confirm.Select select)
        {
            channel.confirm();
            if (!select.getNowait())
            {
                wire.send(channel.number(), new AMQImpl.Confirm.SelectOk());
            }
            return true;
        }
        if (method instanceof AMQImpl.Basic.CancelOk)
        {
            return true;
        }
        throw new AmqpError(method.protocolClassId() == 90 ? ReplyCode.NOT_IMPLEMENTED : ReplyCode.COMMAND_INVALID,
            method.protocolClassId() == 90 ? "transactions (" + method.protocolMethodName() + ") are not implemented" :
                method.protocolMethodName() + " is sent by servers, not clients",
            method.protocolClassId(), method.protocolMethodId());
    }

    // ---------------------------------------------------------------------------------------- publish

    private void onPublish(final AmqpChannel channel, final AMQImpl.Basic.Publish publish) throws AmqpError
    {
        onPublish(channel, publish.getExchange(), publish.getRoutingKey(), publish.getMandatory(), publish.getImmediate());
    }

    /**
     * basic.publish: its content follows.
     *
     * @param channel    the channel.
     * @param exchange   the exchange named.
     * @param routingKey the routing key.
     * @param mandatory  whether a message no queue takes comes back.
     * @param immediate  refused (540), as RabbitMQ 3 refuses it.
     */
    void onPublish(final AmqpChannel channel, final String exchange, final String routingKey, final boolean mandatory,
        final boolean immediate) throws AmqpError
    {
        if (immediate)
        {
            throw new AmqpError(ReplyCode.NOT_IMPLEMENTED, "immediate=true", BASIC, 40);
        }
        final Optional<ExchangeDef> found = topology.exchange(exchange);
        if (found.isEmpty())
        {
            throw new AmqpError(ReplyCode.NOT_FOUND, "no exchange '" + exchange + "' in vhost '/'", BASIC, 40);
        }
        if (found.get().internal())
        {
            throw new AmqpError(ReplyCode.ACCESS_REFUSED, "cannot publish to internal exchange '" +
                exchange + "' in vhost '/'", BASIC, 40);
        }
        channel.publishing(new Publishing(exchange, routingKey, mandatory));
    }

    /**
     * A content header or body frame on a channel.
     *
     * @return true to go on reading.
     */
    boolean onContent(final AmqpChannel channel, final int type, final ByteBuf payload) throws AmqpError
    {
        final Publishing publishing = channel.publishing();
        if (publishing == null)
        {
            throw new AmqpError(ReplyCode.UNEXPECTED_FRAME, "a content " + (type == 2 ? "header" : "body") +
                " frame on channel " + channel.number() + " that no basic.publish started");
        }
        if (!publishing.hasHeader())
        {
            if (type != 2)
            {
                throw new AmqpError(ReplyCode.UNEXPECTED_FRAME, "expected content header for class 60, got a body frame");
            }
            final long size = ContentHeader.check(payload);
            if (size > maxMessageBytes)
            {
                channel.publishing(null);
                throw new AmqpError(ReplyCode.PRECONDITION_FAILED, "message size " + size +
                    " is larger than configured max size " + maxMessageBytes, BASIC, 40);
            }
            final ByteBuf properties = wire.ctx().alloc().buffer(payload.readableBytes() - ContentHeader.PROPERTIES_OFFSET);
            properties.writeBytes(payload, payload.readerIndex() + ContentHeader.PROPERTIES_OFFSET,
                payload.readableBytes() - ContentHeader.PROPERTIES_OFFSET);
            // The body grows as its frames arrive: a header claims memory only as its body is sent.
            publishing.header(size, properties, wire.ctx().alloc().buffer((int)Math.min(size, BODY_CHUNK), (int)size));
        }
        else
        {
            if (type != 3)
            {
                throw new AmqpError(ReplyCode.UNEXPECTED_FRAME, "expected content body, got a content header frame");
            }
            if (payload.readableBytes() > publishing.remaining())
            {
                throw new AmqpError(ReplyCode.FRAME_ERROR, "content body frames larger than the body size the " +
                    "header said");
            }
            if (bodyBytesInProgress + payload.readableBytes() > maxBodyBytesInProgress)
            {
                throw new AmqpError(ReplyCode.RESOURCE_ERROR, "more than " + maxBodyBytesInProgress +
                    " bytes of message bodies in progress on one connection");
            }
            bodyBytesInProgress += payload.readableBytes();
            publishing.body().writeBytes(payload);
        }
        if (publishing.remaining() > 0)
        {
            return true;
        }
        channel.publishing(null);
        bodyBytesInProgress -= publishing.received();
        if (channel.confirming())
        {
            publishing.publishTag(channel.nextPublishTag());
        }
        return publish(channel, publishing);
    }

    /**
     * A message fully received: route it, append it to each queue, return or confirm it.
     *
     * @return true to go on reading; false while queues it goes to are being opened (it is appended
     * once they are, before anything read after it).
     */
    private boolean publish(final AmqpChannel channel, final Publishing message) throws AmqpError
    {
        routed.clear();
        final Map<String, Object> headers = ContentHeader.headers(message.properties());
        topology.route(message.exchange(), message.routingKey(), headers, routed);
        final List<CompletableFuture<QueueRuntime>> runtimes = new ArrayList<>(routed.size());
        boolean allOpen = true;
        for (final String name : routed)
        {
            final Optional<QueueDef> queue = topology.queue(name);
            if (queue.isPresent())
            {
                final CompletableFuture<QueueRuntime> runtime = queues.runtime(queue.get(), wire.ctx().executor())
                    .toCompletableFuture();
                runtimes.add(runtime);
                allOpen &= runtime.isDone();
            }
        }
        if (allOpen)
        {
            deliverToQueues(channel, message, opened(runtimes), runtimes.size());
            return true;
        }
        final CompletableFuture<Method> appended = CompletableFuture.allOf(runtimes.toArray(new CompletableFuture<?>[0]))
            .handle((ignored, failure) ->
            {
                wire.ctx().executor().execute(() -> deliverToQueues(channel, message, opened(runtimes),
                    runtimes.size()));
                return null;
            });
        return wire.answer(channel.number(), appended);
    }

    /**
     * @return the runtimes that opened (a queue whose shard could not be opened, or that another node
     * leads, is left out, and a confirm is nacked).
     */
    private static List<QueueRuntime> opened(final List<CompletableFuture<QueueRuntime>> runtimes)
    {
        final List<QueueRuntime> opened = new ArrayList<>(runtimes.size());
        for (final CompletableFuture<QueueRuntime> runtime : runtimes)
        {
            if (!runtime.isCompletedExceptionally())
            {
                opened.add(runtime.join());
            }
        }
        return opened;
    }

    /**
     * @param targets the queues it goes to that this node serves.
     * @param routed  the queues it was routed to: more than the targets when some could not be served
     *                here, and then the publisher is told basic.nack (confirm mode).
     */
    private void deliverToQueues(final AmqpChannel channel, final Publishing message, final List<QueueRuntime> targets,
        final int routed)
    {
        final long publishTag = message.publishTag();
        final boolean unreachable = targets.size() < routed;
        if (unreachable)
        {
            LOG.debug("AMQP: a message routed to {} queues reaches only the {} this node serves", routed,
                targets.size());
        }
        if (targets.isEmpty() && !unreachable)
        {
            if (message.mandatory())
            {
                wire.write(Content.frames(wire.ctx().alloc(), channel.number(), new AMQImpl.Basic.Return(
                    ReplyCode.NO_ROUTE.code(), "NO_ROUTE", message.exchange(), message.routingKey()),
                    message.properties(), message.body(), wire.frameMax()));
            }
            if (publishTag > 0)
            {
                confirmed(channel, publishTag, true);
            }
            wire.flushSoon();
            message.release();
            return;
        }
        final List<QueueRuntime> accepting = new ArrayList<>(targets.size());
        for (final QueueRuntime target : targets)
        {
            if (!target.refusesPublish(message.body().readableBytes()))
            {
                accepting.add(target);
            }
        }
        if (accepting.size() < targets.size() || unreachable)
        {
            // A queue at its limit with x-overflow reject-publish, or one another node serves, does not
            // take the message: the publisher is told (basic.nack), and the other queues still take it.
            if (publishTag > 0)
            {
                confirmed(channel, publishTag, false);
            }
            if (accepting.isEmpty())
            {
                message.release();
                return;
            }
        }
        final ByteBuf stored = wire.ctx().alloc().buffer(16 + message.properties().readableBytes() +
            message.body().readableBytes());
        StoredMessage.write(stored, message.exchange(), message.routingKey(), message.properties(), message.body());
        message.release();
        final boolean nacked = accepting.size() < targets.size() || unreachable;
        final List<QueueRuntime> storing = accepting;
        final long correlation = publishTag > 0 && !nacked ? confirms.track(storing.size(),
            confirmation(channel, publishTag)) : PublishConfirms.NOBODY;
        final long now = clock.millis();
        append(channel, stored, storing, 0, correlation, now);
    }

    /**
     * Append the stored message to the queues from {@code first} on; a queue whose engine is full now
     * is tried again a moment later, and the connection reads nothing meanwhile. A connection gone
     * meanwhile gives up: the message fails (nacked to nobody).
     */
    private void append(final AmqpChannel channel, final ByteBuf stored, final List<QueueRuntime> targets,
        final int first, final long correlation, final long now)
    {
        for (int i = first; i < targets.size(); i++)
        {
            final Shard shard = targets.get(i).shardFor(stored);
            final int result = shard.append(stored.duplicate(), 1, now, BatchFormat.AMQP_MESSAGE, confirms.callbackId(),
                correlation);
            if (result == Shard.BACK_PRESSURED)
            {
                final int from = i;
                wire.pauseReading();
                wire.blocked(true);
                wire.ctx().executor().schedule(() ->
                {
                    if (wire.ctx().channel().isActive())
                    {
                        append(channel, stored, targets, from, correlation, now);
                    }
                    else
                    {
                        stored.release();
                        if (correlation != PublishConfirms.NOBODY)
                        {
                            confirms.refused(correlation, Shard.CLOSED);
                        }
                    }
                }, RETRY_MS, TimeUnit.MILLISECONDS);
                return;
            }
            if (result == Shard.SUBMITTED)
            {
                targets.get(i).published();
            }
            else if (correlation != PublishConfirms.NOBODY)
            {
                confirms.refused(correlation, result);
            }
            else
            {
                confirms.onFailed(PublishConfirms.NOBODY, result);
            }
        }
        stored.release();
        wire.blocked(false);
        wire.resumeReading();
    }

    private PublishConfirms.Outcome confirmation(final AmqpChannel channel, final long publishTag)
    {
        return new PublishConfirms.Outcome()
        {
            @Override
            public void stored()
            {
                wire.ctx().executor().execute(() -> confirmed(channel, publishTag, true));
            }

            @Override
            public void failed(final int reason)
            {
                wire.ctx().executor().execute(() -> confirmed(channel, publishTag, false));
            }
        };
    }

    /**
     * A message's outcome: a nack goes at once; acks wait for the end of the event loop's current
     * tasks, so that those that complete together go as one basic.ack multiple.
     */
    private void confirmed(final AmqpChannel channel, final long publishTag, final boolean stored)
    {
        if (!wire.isOpen(channel))
        {
            return;
        }
        if (stored)
        {
            channel.confirms().stored(publishTag);
        }
        else
        {
            channel.confirms().failed(publishTag, nack -> wire.send(channel.number(), nack));
        }
        if (!channel.confirmFlushScheduled())
        {
            channel.confirmFlushScheduled(true);
            wire.ctx().executor().execute(() ->
            {
                channel.confirmFlushScheduled(false);
                if (wire.isOpen(channel))
                {
                    channel.confirms().flush(ack -> wire.send(channel.number(), ack));
                    wire.flush();
                }
            });
        }
    }

    // ---------------------------------------------------------------------------------------- consume

    private boolean onConsume(final AmqpChannel channel, final AMQImpl.Basic.Consume consume) throws AmqpError
    {
        final QueueDef queue = wire.queue(channel, consume.getQueue(), 20);
        final Map<String, Object> arguments = FieldTables.normalizeTable(consume.getArguments());
        if (arguments.containsKey("x-priority"))
        {
            throw new AmqpError(ReplyCode.NOT_IMPLEMENTED, "consumer argument 'x-priority' is not implemented yet",
                BASIC, 20);
        }
        final String tag = consume.getConsumerTag().isEmpty() ? "amq.ctag-" + randomSuffix() : consume.getConsumerTag();
        if (channel.consumers().containsKey(tag))
        {
            throw new AmqpError(ReplyCode.NOT_ALLOWED, "attempt to reuse consumer tag '" + tag + "'", BASIC, 20);
        }
        final CompletionStage<Method> started = queues.runtime(queue, wire.ctx().executor()).thenCompose(runtime ->
        {
            final ChannelConsumer consumer = new ChannelConsumer(tag, channel, this, runtime, consume.getNoAck(),
                channel.consumerPrefetch());
            return runtime.addConsumer(consumer, consume.getExclusive()).thenApplyAsync(ignored ->
            {
                // On the connection's loop. The queue delivers nothing to the consumer until it is
                // started, after consume-ok is written: a client drops (or fails on) a delivery for
                // a consumer tag it has not been given yet.
                if (!wire.isOpen(channel))
                {
                    runtime.removeConsumer(consumer);
                    return null;
                }
                channel.consumers().put(tag, consumer);
                if (!consume.getNowait())
                {
                    wire.send(channel.number(), new AMQImpl.Basic.ConsumeOk(tag));
                    wire.flush();
                }
                consumer.start();
                return null;
            }, wire.ctx().executor());
        });
        return wire.answer(channel.number(), started);
    }

    /**
     * basic.cancel: the consumer stays on the channel until its queue has let it go, so that what the
     * queue delivered before is written first, then basic.cancel-ok.
     *
     * @return true to go on reading.
     */
    private boolean onCancel(final AmqpChannel channel, final AMQImpl.Basic.Cancel cancel)
    {
        final String tag = cancel.getConsumerTag();
        final ChannelConsumer consumer = channel.consumers().get(tag);
        final Method ok = cancel.getNowait() ? null : new AMQImpl.Basic.CancelOk(tag);
        if (consumer == null)
        {
            return wire.answer(channel.number(), CompletableFuture.completedFuture(ok));
        }
        final CompletableFuture<Method> cancelled = new CompletableFuture<>();
        consumer.queue().removeConsumer(consumer).whenComplete((done, failure) -> wire.ctx().executor().execute(() ->
        {
            channel.consumers().remove(tag, consumer);
            cancelled.complete(ok);
        }));
        return wire.answer(channel.number(), cancelled);
    }

    /**
     * The consumer's queue was deleted: tell the client with basic.cancel if it asked to be told
     * ({@code consumer_cancel_notify}), and forget the consumer. Called on the queue's loop.
     */
    void cancelledByQueue(final ChannelConsumer consumer)
    {
        wire.ctx().executor().execute(() ->
        {
            final AmqpChannel channel = consumer.channel();
            if (channel.consumers().remove(consumer.tag(), consumer) && wire.isOpen(channel) && wire.cancelNotify())
            {
                wire.send(channel.number(), new AMQImpl.Basic.Cancel(consumer.tag(), true));
                wire.flush();
            }
        });
    }

    /**
     * A delivery for a consumer of this connection, from the queue's loop: written on the connection's.
     */
    void deliverLater(final ChannelConsumer consumer, final long offset, final ByteBuf payload, final boolean redelivered)
    {
        pendingDeliveryBytes.addAndGet(payload.readableBytes());
        wire.ctx().executor().execute(() -> deliver(consumer, offset, payload, redelivered));
    }

    private void deliver(final ChannelConsumer consumer, final long offset, final ByteBuf payload,
        final boolean redelivered)
    {
        final AmqpChannel channel = consumer.channel();
        try
        {
            if (!wire.isOpen(channel) || channel.consumers().get(consumer.tag()) != consumer)
            {
                if (!consumer.noAck())
                {
                    consumer.settled();
                    consumer.queue().requeue(offset);
                }
                consumer.queue().removeConsumer(consumer);
                return;
            }
            final long tag = channel.nextDeliveryTag();
            if (!consumer.noAck())
            {
                channel.deliveries().put(tag, new Delivery(consumer.queue(), offset, consumer));
            }
            final StoredMessage message = delivering.wrap(payload);
            wire.write(Content.deliver(wire.ctx().alloc(), channel.number(), consumer.encodedTag(), tag, redelivered,
                payload, message.exchangeAt(), message.routingKeyAt(), message.properties(), message.body(),
                wire.frameMax()));
            wire.flushSoon();
        }
        finally
        {
            final long pending = pendingDeliveryBytes.addAndGet(-payload.readableBytes());
            if (pending < MAX_PENDING_DELIVERY_BYTES && pending + payload.readableBytes() >= MAX_PENDING_DELIVERY_BYTES)
            {
                consumer.queue().creditReturned();
            }
            payload.release();
        }
    }

    private boolean onGet(final AmqpChannel channel, final AMQImpl.Basic.Get get) throws AmqpError
    {
        final QueueDef queue = wire.queue(channel, get.getQueue(), 70);
        final CompletableFuture<Method> answered = new CompletableFuture<>();
        queues.runtime(queue, wire.ctx().executor()).whenComplete((runtime, failure) ->
        {
            if (failure != null)
            {
                answered.completeExceptionally(failure);
                return;
            }
            runtime.get((payload, offset, redelivered, left) -> wire.ctx().executor().execute(() ->
            {
                if (payload == null)
                {
                    answered.complete(new AMQImpl.Basic.GetEmpty(""));
                    return;
                }
                try
                {
                    if (!wire.isOpen(channel))
                    {
                        if (!get.getNoAck())
                        {
                            runtime.requeue(offset);
                        }
                        answered.complete(null);
                        return;
                    }
                    final long tag = channel.nextDeliveryTag();
                    if (!get.getNoAck())
                    {
                        channel.deliveries().put(tag, new Delivery(runtime, offset, null));
                    }
                    final StoredMessage message = new StoredMessage().wrap(payload);
                    wire.write(Content.frames(wire.ctx().alloc(), channel.number(), new AMQImpl.Basic.GetOk(tag,
                        redelivered, message.exchange(), message.routingKey(), (int)Math.min(Integer.MAX_VALUE, left)),
                        message.properties(), message.body(), wire.frameMax()));
                    answered.complete(null);
                }
                finally
                {
                    payload.release();
                }
            }), get.getNoAck());
        });
        return wire.answer(channel.number(), answered);
    }

    // ------------------------------------------------------------------------------ acknowledgements

    private void settle(final AmqpChannel channel, final long deliveryTag, final boolean multiple, final boolean requeue,
        final int methodId) throws AmqpError
    {
        final Map<Long, Delivery> deliveries = channel.deliveries();
        if (multiple)
        {
            final Iterator<Map.Entry<Long, Delivery>> unacknowledged = deliveries.entrySet().iterator();
            boolean any = false;
            while (unacknowledged.hasNext())
            {
                final Map.Entry<Long, Delivery> entry = unacknowledged.next();
                if (deliveryTag != 0 && entry.getKey() > deliveryTag)
                {
                    break;
                }
                unacknowledged.remove();
                settle(entry.getValue(), requeue, methodId != 80);
                any = true;
            }
            if (!any && deliveryTag != 0)
            {
                throw unknownTag(deliveryTag, methodId);
            }
            return;
        }
        final Delivery delivery = deliveries.remove(deliveryTag);
        if (delivery == null)
        {
            throw unknownTag(deliveryTag, methodId);
        }
        settle(delivery, requeue, methodId != 80);
    }

    private static void settle(final Delivery delivery, final boolean requeue)
    {
        settle(delivery, requeue, false);
    }

    /**
     * @param rejected true for basic.reject and basic.nack: a message not requeued is dead-lettered.
     */
    private static void settle(final Delivery delivery, final boolean requeue, final boolean rejected)
    {
        if (requeue)
        {
            delivery.queue().requeue(delivery.offset());
        }
        else if (rejected)
        {
            delivery.queue().reject(delivery.offset());
        }
        else
        {
            delivery.queue().acknowledge(delivery.offset());
        }
        if (delivery.consumer() != null)
        {
            delivery.consumer().settled();
        }
    }

    private static AmqpError unknownTag(final long deliveryTag, final int methodId)
    {
        return new AmqpError(ReplyCode.PRECONDITION_FAILED, "unknown delivery tag " + deliveryTag, BASIC, methodId);
    }

    private void recover(final AmqpChannel channel, final boolean requeue, final int methodId) throws AmqpError
    {
        if (!requeue)
        {
            throw new AmqpError(ReplyCode.NOT_IMPLEMENTED, "requeue=false", BASIC, methodId);
        }
        requeueAll(channel);
    }

    /**
     * Put every unacknowledged delivery of the channel back in its queue (basic.recover, or the
     * channel closing).
     */
    static void requeueAll(final AmqpChannel channel)
    {
        for (final Delivery delivery : channel.deliveries().values())
        {
            settle(delivery, true);
        }
        channel.deliveries().clear();
    }

    /**
     * The channel closed: its consumers go, its unacknowledged deliveries go back to their queues, a
     * message half received is dropped.
     */
    void closed(final AmqpChannel channel)
    {
        for (final ChannelConsumer consumer : channel.consumers().values())
        {
            consumer.queue().removeConsumer(consumer);
        }
        channel.consumers().clear();
        requeueAll(channel);
        final Publishing publishing = channel.publishing();
        if (publishing != null)
        {
            bodyBytesInProgress -= publishing.received();
            publishing.release();
            channel.publishing(null);
        }
    }

    private void onQos(final AmqpChannel channel, final AMQImpl.Basic.Qos qos) throws AmqpError
    {
        if (qos.getPrefetchSize() != 0)
        {
            throw new AmqpError(ReplyCode.NOT_IMPLEMENTED, "prefetch_size!=0 (" + qos.getPrefetchSize() + ")", BASIC, 10);
        }
        if (qos.getGlobal())
        {
            channel.channelPrefetch(qos.getPrefetchCount());
            for (final ChannelConsumer consumer : channel.consumers().values())
            {
                consumer.queue().creditReturned();
            }
        }
        else
        {
            channel.consumerPrefetch(qos.getPrefetchCount());
        }
        wire.send(channel.number(), new AMQImpl.Basic.QosOk());
    }

    private static String randomSuffix()
    {
        final byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /**
     * The connection's socket became writable again: its consumers' queues may deliver.
     */
    void writableAgain(final Iterable<AmqpChannel> channels)
    {
        for (final AmqpChannel channel : channels)
        {
            for (final ChannelConsumer consumer : channel.consumers().values())
            {
                consumer.queue().creditReturned();
            }
        }
    }
}
