package io.robustmq.plugin.kafka.api;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.robustmq.plugin.api.metadata.AclOperation;
import io.robustmq.plugin.api.metadata.Metadata;
import io.robustmq.plugin.api.metadata.TopicInfo;
import io.robustmq.plugin.api.storage.AppendCallback;
import io.robustmq.plugin.api.storage.BatchFormat;
import io.robustmq.plugin.api.storage.Shard;
import io.robustmq.plugin.kafka.partition.Appends;
import io.robustmq.plugin.kafka.partition.KafkaPartition;
import io.robustmq.plugin.kafka.partition.PartitionLogs;
import io.robustmq.plugin.kafka.partition.RecordBatchLayout;
import io.robustmq.plugin.kafka.protocol.KafkaRequest;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * Produce: each partition's record batches, checked (magic 2, lengths, CRC) and appended as the
 * client sent them; the response after every append is stored as its shard's durability promises
 * (acks 1 and -1: shard data is not replicated yet, so both mean this node's promise), or none at
 * all for acks 0. A shard that pushes back is tried again every millisecond until the request's
 * timeout.
 */
public final class ProduceApi implements KafkaApi
{
    private static final long RETRY_AFTER_BACK_PRESSURE_US = 1000;

    private final Metadata metadata;
    private final PartitionLogs partitions;
    private final Appends appends;
    private final Counter batches;
    private final Counter records;
    private final Counter duplicates;
    private final Counter refused;
    private final Access access;

    /**
     * @param registry where the produce meters go ({@code robustmq.kafka.produce.*}).
     */
    public ProduceApi(final Metadata metadata, final Brokers brokers, final PartitionLogs partitions,
        final Appends appends, final MeterRegistry registry)
    {
        this.metadata = metadata;
        this.access = new Access(metadata, brokers);
        this.partitions = partitions;
        this.appends = appends;
        this.batches = Counter.builder("robustmq.kafka.produce.batches")
            .description("Record batches stored by Produce").register(registry);
        this.records = Counter.builder("robustmq.kafka.produce.records")
            .description("Records stored by Produce").register(registry);
        this.duplicates = Counter.builder("robustmq.kafka.produce.duplicates")
            .description("Batches an idempotent producer sent again and that were stored before: answered " +
                "with their first offset, not stored twice").register(registry);
        this.refused = Counter.builder("robustmq.kafka.produce.refused")
            .description("Partitions of Produce requests answered with an error").register(registry);
    }

    /**
     * One partition's part of the answer.
     *
     * @param submitted completes once every batch was handed to the shard (or refused).
     * @param response  completes with the partition's response.
     */
    private record PartitionAnswer(CompletableFuture<Void> submitted,
        CompletableFuture<ProduceResponseData.PartitionProduceResponse> response)
    {
        static PartitionAnswer now(final ProduceResponseData.PartitionProduceResponse response)
        {
            return new PartitionAnswer(CompletableFuture.completedFuture(null), CompletableFuture.completedFuture(response));
        }
    }

    @Override
    public CompletionStage<ApiMessage> handle(final KafkaRequest request, final ClientConnection connection)
    {
        final ProduceRequestData body = (ProduceRequestData)request.body();
        final boolean byId = request.version() >= 13;
        final long deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Math.max(0, body.timeoutMs()));
        final ProduceResponseData response = new ProduceResponseData();
        final List<CompletableFuture<?>> submitted = new ArrayList<>();
        final List<CompletableFuture<?>> answered = new ArrayList<>();
        final List<Runnable> collect = new ArrayList<>();
        for (final ProduceRequestData.TopicProduceData topicData : body.topicData())
        {
            final Optional<TopicInfo> topic = byId ? Topics.byId(metadata, topicData.topicId()) :
                metadata.topic(topicData.name());
            final ProduceResponseData.TopicProduceResponse topicResponse = new ProduceResponseData.TopicProduceResponse()
                .setName(byId ? "" : topicData.name())
                .setTopicId(byId ? topicData.topicId() : Uuid.ZERO_UUID);
            response.responses().add(topicResponse);
            for (final ProduceRequestData.PartitionProduceData partitionData : topicData.partitionData())
            {
                final PartitionAnswer answer = answer(body, request.version(), topic, partitionData, deadlineNs,
                    connection);
                submitted.add(answer.submitted());
                answered.add(answer.response());
                collect.add(() -> topicResponse.partitionResponses().add(answer.response().join()));
            }
        }
        if (body.acks() == 0)
        {
            // No answer at all; the request's frame (which the records are views of) stays until
            // every batch was handed over.
            // When a partition fails, Kafka closes the connection (the only signal an acks 0 producer
            // gets, so that it refreshes its metadata): failing the answer does that.
            return CompletableFuture.allOf(submitted.toArray(new CompletableFuture<?>[0])).thenApply(done ->
            {
                for (final CompletableFuture<?> answer : answered)
                {
                    if (answer.isDone() && !answer.isCompletedExceptionally() &&
                        ((ProduceResponseData.PartitionProduceResponse)answer.join()).errorCode() != Errors.NONE.code())
                    {
                        throw new java.util.concurrent.CompletionException(new IllegalStateException(
                            "a partition of an acks=0 Produce request failed: closing, as Kafka does"));
                    }
                }
                return null;
            });
        }
        return CompletableFuture.allOf(answered.toArray(new CompletableFuture<?>[0])).thenApplyAsync(done ->
        {
            collect.forEach(Runnable::run);
            return response;
        }, connection.eventLoop());
    }

    private PartitionAnswer answer(final ProduceRequestData body, final short version, final Optional<TopicInfo> topic,
        final ProduceRequestData.PartitionProduceData data, final long deadlineNs, final ClientConnection connection)
    {
        final int index = data.index();
        if (body.acks() != 0 && body.acks() != 1 && body.acks() != -1)
        {
            return PartitionAnswer.now(error(index, Errors.INVALID_REQUIRED_ACKS, "acks must be -1, 0 or 1"));
        }
        if (body.transactionalId() != null)
        {
            return PartitionAnswer.now(error(index, Errors.TRANSACTIONAL_ID_NOT_FOUND,
                "transactions are not supported by this broker yet"));
        }
        final Errors refusal = access.partitionRefusal(connection, AclOperation.WRITE, topic, index, version >= 13);
        if (refusal != null)
        {
            return PartitionAnswer.now(error(index, refusal, null));
        }
        if (!(data.records() instanceof MemoryRecords records) || records.sizeInBytes() == 0)
        {
            return PartitionAnswer.now(error(index, Errors.CORRUPT_MESSAGE, "no record batch"));
        }
        final ByteBuf batches = Unpooled.wrappedBuffer(records.buffer());
        final List<int[]> spans = new ArrayList<>(1);
        for (int at = batches.readerIndex(); at < batches.writerIndex(); )
        {
            final String invalid = RecordBatchLayout.check(batches, at);
            if (invalid != null)
            {
                return PartitionAnswer.now(error(index, Errors.CORRUPT_MESSAGE, invalid));
            }
            final byte attributes = batches.getByte(at + RecordBatchLayout.ATTRIBUTES + 1);
            if ((attributes & (RecordBatchLayout.TRANSACTIONAL_FLAG | RecordBatchLayout.CONTROL_FLAG)) != 0)
            {
                return PartitionAnswer.now(error(index, Errors.INVALID_RECORD,
                    "transactional and control batches are not supported by this broker yet"));
            }
            final int size = RecordBatchLayout.size(batches, at);
            spans.add(new int[]{at, size});
            at += size;
        }
        final CompletableFuture<Void> submitted = new CompletableFuture<>();
        final CompletableFuture<ProduceResponseData.PartitionProduceResponse> response = new CompletableFuture<>();
        final CompletableFuture<KafkaPartition> opened = partitions.open(topic.get(), index);
        final java.util.function.BiFunction<KafkaPartition, Throwable, CompletableFuture<Void>> submit = (partition, failure) ->
        {
            if (failure != null)
            {
                submitted.complete(null);
                response.complete(error(index, Errors.UNKNOWN_TOPIC_OR_PARTITION, null));
            }
            else
            {
                appendAll(partition, batches, spans, deadlineNs, connection, submitted).whenComplete((answer, error) ->
                    response.complete(answer));
            }
            return submitted;
        };
        // On the event loop: at once if the partition is open, else once it is.
        connection.inOrder(() -> (opened.isDone() ? opened.handle(submit) :
            opened.handleAsync(submit, connection.eventLoop())).thenCompose(next -> next));
        return new PartitionAnswer(submitted, response);
    }

    /**
     * Append a partition's batches in order; the answer is the first batch's offset, or the first
     * failure.
     */
    private CompletableFuture<ProduceResponseData.PartitionProduceResponse> appendAll(final KafkaPartition partition,
        final ByteBuf batches, final List<int[]> spans, final long deadlineNs, final ClientConnection connection,
        final CompletableFuture<Void> submitted)
    {
        final List<CompletableFuture<Long>> offsets = new ArrayList<>(spans.size());
        final CompletableFuture<Void> allSubmitted = CompletableFuture.completedFuture(null);
        CompletableFuture<Void> chain = allSubmitted;
        for (final int[] span : spans)
        {
            final ByteBuf batch = batches.slice(span[0], span[1]);
            final CompletableFuture<Long> offset = new CompletableFuture<>();
            offsets.add(offset);
            chain = chain.thenCompose(previous -> appendOne(partition, batch, deadlineNs, connection, offset));
        }
        chain.whenComplete((done, failure) -> submitted.complete(null));
        final int index = partition.partition();
        return CompletableFuture.allOf(offsets.toArray(new CompletableFuture<?>[0])).handle((done, failure) ->
        {
            final Shard shard = partition.shard();
            if (failure == null)
            {
                return new ProduceResponseData.PartitionProduceResponse().setIndex(index)
                    .setErrorCode(Errors.NONE.code()).setBaseOffset(offsets.get(0).join())
                    .setLogStartOffset(shard.earliestOffset());
            }
            final Throwable cause = Failures.cause(failure);
            return error(index, cause instanceof ProduceError produce ? produce.error : Errors.UNKNOWN_SERVER_ERROR,
                cause.getMessage()).setLogStartOffset(shard.earliestOffset());
        });
    }

    /**
     * Hand one batch to the shard, again after back-pressure until the deadline; {@code offset}
     * completes with its base offset (a duplicate's first one) or a {@link ProduceError}.
     *
     * @return completes once the batch was handed over, or refused.
     */
    private CompletableFuture<Void> appendOne(final KafkaPartition partition, final ByteBuf batch,
        final long deadlineNs, final ClientConnection connection, final CompletableFuture<Long> offset)
    {
        final Shard shard = partition.shard();
        final int at = batch.readerIndex();
        // Read now: the batch is a view of the request's frame, which (acks 0) may be released
        // before the outcome comes.
        final int recordCount = batch.getInt(at + RecordBatchLayout.RECORDS_COUNT);
        final int size = batch.readableBytes();
        final long producerId = batch.getLong(at + RecordBatchLayout.PRODUCER_ID);
        final short producerEpoch = batch.getShort(at + RecordBatchLayout.PRODUCER_EPOCH);
        final int baseSequence = batch.getInt(at + RecordBatchLayout.BASE_SEQUENCE);
        final Appends.Expected expected = appends.expect();
        final int result = shard.append(batch, recordCount, batch.getLong(at + RecordBatchLayout.MAX_TIMESTAMP),
            BatchFormat.KAFKA_RECORD_BATCH, appends.callbackId(), expected.id());
        if (result == Shard.SUBMITTED)
        {
            expected.outcome().whenComplete((base, failure) ->
            {
                if (failure == null)
                {
                    batches.increment();
                    records.increment(recordCount);
                    partition.traffic().in(size);
                    offset.complete(base);
                }
                else
                {
                    final int reason = failure instanceof Appends.AppendFailure append ? append.reason() :
                        AppendCallback.IO_ERROR;
                    if (reason == KafkaPartition.DUPLICATE_SEQUENCE)
                    {
                        final long first = partition.duplicateOffset(producerId, producerEpoch, baseSequence);
                        if (first >= 0)
                        {
                            duplicates.increment();
                            offset.complete(first);
                            return;
                        }
                    }
                    offset.completeExceptionally(ProduceError.ofRefusal(reason));
                }
            });
            return CompletableFuture.completedFuture(null);
        }
        appends.forget(expected.id());
        if (result == Shard.BACK_PRESSURED && System.nanoTime() < deadlineNs)
        {
            final CompletableFuture<Void> again = new CompletableFuture<>();
            connection.eventLoop().schedule(() ->
            {
                appendOne(partition, batch, deadlineNs, connection, offset).whenComplete((done, failure) ->
                    again.complete(null));
            }, RETRY_AFTER_BACK_PRESSURE_US, TimeUnit.MICROSECONDS);
            return again;
        }
        offset.completeExceptionally(ProduceError.ofResult(result));
        return CompletableFuture.completedFuture(null);
    }

    private ProduceResponseData.PartitionProduceResponse error(final int index, final Errors error,
        final String message)
    {
        refused.increment();
        return new ProduceResponseData.PartitionProduceResponse().setIndex(index).setErrorCode(error.code())
            .setBaseOffset(-1).setErrorMessage(message);
    }

    /**
     * A batch not stored, as Kafka's error.
     */
    private static final class ProduceError extends RuntimeException
    {
        final Errors error;

        ProduceError(final Errors error, final String message)
        {
            super(message, null, false, false);
            this.error = error;
        }

        static ProduceError ofResult(final int result)
        {
            return switch (result)
            {
                case Shard.BACK_PRESSURED -> new ProduceError(Errors.REQUEST_TIMED_OUT,
                    "the partition's storage is full for now");
                case Shard.TOO_LARGE -> new ProduceError(Errors.MESSAGE_TOO_LARGE,
                    "the batch is larger than the partition takes");
                case Shard.NOT_LEADER -> new ProduceError(Errors.NOT_LEADER_OR_FOLLOWER,
                    "this node does not lead the partition");
                case Shard.FAILED -> new ProduceError(Errors.KAFKA_STORAGE_ERROR,
                    "the partition's storage failed; it takes no appends until the node restarts");
                default -> new ProduceError(Errors.UNKNOWN_TOPIC_OR_PARTITION, "the partition is closed or deleted");
            };
        }

        static ProduceError ofRefusal(final int reason)
        {
            return switch (reason)
            {
                case AppendCallback.TOO_LARGE -> new ProduceError(Errors.MESSAGE_TOO_LARGE,
                    "the batch is larger than the partition takes");
                case AppendCallback.IO_ERROR -> new ProduceError(Errors.KAFKA_STORAGE_ERROR,
                    "the partition's storage could not write the batch");
                case AppendCallback.SHARD_CLOSED -> new ProduceError(Errors.UNKNOWN_TOPIC_OR_PARTITION,
                    "the partition was closed or deleted");
                case KafkaPartition.OUT_OF_ORDER_SEQUENCE -> new ProduceError(Errors.OUT_OF_ORDER_SEQUENCE_NUMBER,
                    "the batch's sequence does not follow its producer's last");
                case KafkaPartition.PRODUCER_FENCED -> new ProduceError(Errors.INVALID_PRODUCER_EPOCH,
                    "a newer epoch of this producer id wrote to the partition");
                case KafkaPartition.DUPLICATE_SEQUENCE -> new ProduceError(Errors.DUPLICATE_SEQUENCE_NUMBER,
                    "the batch was stored before");
                default -> new ProduceError(Errors.UNKNOWN_SERVER_ERROR, "append refused: reason " + reason);
            };
        }
    }
}
