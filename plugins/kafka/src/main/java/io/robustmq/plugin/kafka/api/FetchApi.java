package io.robustmq.plugin.kafka.api;

import io.robustmq.plugin.api.metadata.AclOperation;
import io.robustmq.plugin.api.metadata.Metadata;
import io.robustmq.plugin.api.metadata.TopicInfo;
import io.robustmq.plugin.api.storage.Shard;
import io.robustmq.plugin.api.storage.ShardView;
import io.robustmq.plugin.api.storage.TailListener;
import io.robustmq.plugin.kafka.partition.KafkaPartition;
import io.robustmq.plugin.kafka.partition.PartitionLogs;
import io.robustmq.plugin.kafka.protocol.ByteBufRecords;
import io.robustmq.plugin.kafka.protocol.KafkaRequest;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * Fetch: record batches as the shards hold them, retained from the journal's mapped segments and
 * written into the response without a copy. Up to the request's byte limits (the first batch is
 * served whole even when larger, as Kafka does); when less than {@code min_bytes} is there, the
 * request waits, woken by the partitions' tails, until there is enough or {@code max_wait_ms} has
 * passed. Fetch sessions are not kept: every response says session 0, so clients send full fetch
 * requests (as they do against a Kafka broker whose session cache is full).
 */
public final class FetchApi implements KafkaApi
{
    private final Metadata metadata;
    private final PartitionLogs partitions;
    private final Access access;

    public FetchApi(final Metadata metadata, final Brokers brokers, final PartitionLogs partitions)
    {
        this.metadata = metadata;
        this.access = new Access(metadata, brokers);
        this.partitions = partitions;
    }

    /**
     * A partition asked for.
     */
    private static final class Wanted
    {
        final FetchRequestData.FetchPartition request;
        final FetchResponseData.PartitionData response;
        KafkaPartition partition;

        Wanted(final FetchRequestData.FetchPartition request)
        {
            this.request = request;
            this.response = new FetchResponseData.PartitionData().setPartitionIndex(request.partition());
        }
    }

    @Override
    public CompletionStage<ApiMessage> handle(final KafkaRequest request, final ClientConnection connection)
    {
        final FetchRequestData body = (FetchRequestData)request.body();
        final FetchResponseData response = new FetchResponseData().setSessionId(0);
        if (body.sessionId() != 0)
        {
            // This broker keeps no sessions, so it cannot know the one named.
            return CompletableFuture.completedFuture(response.setErrorCode(Errors.FETCH_SESSION_ID_NOT_FOUND.code()));
        }
        final boolean byId = request.version() >= 13;
        final List<Wanted> wanted = new ArrayList<>();
        final List<CompletableFuture<?>> opening = new ArrayList<>();
        boolean refused = false;
        for (final FetchRequestData.FetchTopic topicRequest : body.topics())
        {
            final Optional<TopicInfo> topic = byId ? Topics.byId(metadata, topicRequest.topicId()) :
                metadata.topic(topicRequest.topic());
            final FetchResponseData.FetchableTopicResponse topicResponse = new FetchResponseData.FetchableTopicResponse()
                .setTopic(byId ? "" : topicRequest.topic())
                .setTopicId(byId ? topicRequest.topicId() : Uuid.ZERO_UUID);
            response.responses().add(topicResponse);
            for (final FetchRequestData.FetchPartition partitionRequest : topicRequest.partitions())
            {
                final Wanted one = new Wanted(partitionRequest);
                topicResponse.partitions().add(one.response);
                final Errors refusal =
                    access.partitionRefusal(connection, AclOperation.READ, topic, partitionRequest.partition(), byId);
                if (refusal != null)
                {
                    fail(one, refusal);
                    refused = true;
                    continue;
                }
                wanted.add(one);
                opening.add(partitions.open(topic.get(), partitionRequest.partition()).handle((partition, failure) ->
                {
                    if (failure == null)
                    {
                        one.partition = partition;
                    }
                    return null;
                }));
            }
        }
        final CompletableFuture<ApiMessage> answer = new CompletableFuture<>();
        final boolean answerAtOnce = refused;
        CompletableFuture.allOf(opening.toArray(new CompletableFuture<?>[0])).thenRunAsync(() ->
        {
            for (final Wanted one : wanted)
            {
                if (one.partition == null)
                {
                    fail(one, Errors.UNKNOWN_TOPIC_OR_PARTITION);
                }
            }
            new Poll(body, response, wanted, connection, answer, answerAtOnce).start();
        }, connection.eventLoop());
        return answer;
    }

    /**
     * One fetch being answered: read, and if less than min bytes came, wait for the tails to move
     * or the time to run out, then read again.
     */
    private static final class Poll implements TailListener
    {
        private final FetchRequestData request;
        private final FetchResponseData response;
        private final List<Wanted> wanted;
        private final ClientConnection connection;
        private final CompletableFuture<ApiMessage> answer;
        private final long deadlineNs;
        private final boolean answerAtOnce;
        private ScheduledFuture<?> timeout;
        private boolean waiting;
        private boolean done;

        Poll(final FetchRequestData request, final FetchResponseData response, final List<Wanted> wanted,
            final ClientConnection connection, final CompletableFuture<ApiMessage> answer, final boolean answerAtOnce)
        {
            this.answerAtOnce = answerAtOnce;
            this.request = request;
            this.response = response;
            this.wanted = wanted;
            this.connection = connection;
            this.answer = answer;
            this.deadlineNs = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(Math.max(0, request.maxWaitMs()));
        }

        void start()
        {
            final int bytes = read();
            // A partition in error is answered at once, as Kafka does: the client acts on the error.
            if (bytes >= request.minBytes() || System.nanoTime() >= deadlineNs || bytes < 0 || answerAtOnce)
            {
                finish();
                return;
            }
            release();
            waiting = true;
            for (final Wanted one : wanted)
            {
                if (one.partition != null)
                {
                    one.partition.shard().addTailListener(this);
                }
            }
            timeout = connection.eventLoop().schedule(this::expire, deadlineNs - System.nanoTime(),
                TimeUnit.NANOSECONDS);
            // Data may have arrived before the listeners were in place.
            connection.eventLoop().execute(this::retry);
        }

        @Override
        public void onAppend(final Shard shard, final long durableOffset)
        {
            connection.eventLoop().execute(this::retry);
        }

        private void retry()
        {
            if (done)
            {
                return;
            }
            final int bytes = read();
            if (bytes >= request.minBytes() || bytes < 0)
            {
                finish();
            }
            else
            {
                release();
            }
        }

        private void expire()
        {
            if (!done)
            {
                read();
                finish();
            }
        }

        /**
         * @return bytes read in all, or -1 if a partition answered an error (the response goes now,
         * with whatever the others read).
         */
        private int read()
        {
            int budget = request.maxBytes() <= 0 ? Integer.MAX_VALUE : request.maxBytes();
            int total = 0;
            boolean error = false;
            for (final Wanted one : wanted)
            {
                if (one.partition == null)
                {
                    error = true;
                    continue;
                }
                final Shard shard = one.partition.shard();
                one.response.setErrorCode(Errors.NONE.code())
                    .setHighWatermark(shard.durableOffset())
                    .setLastStableOffset(shard.durableOffset())
                    .setLogStartOffset(shard.earliestOffset());
                final ByteBufRecords records = new ByteBufRecords();
                one.response.setRecords(records);
                if (budget <= 0 && total > 0)
                {
                    continue;
                }
                final int limit = Math.min(budget, one.request.partitionMaxBytes());
                final ShardView view = shard.newView();
                final int read = shard.read(one.request.fetchOffset(), Math.max(limit, 1), Integer.MAX_VALUE, view);
                if (read == Shard.OUT_OF_RANGE)
                {
                    fail(one, Errors.OFFSET_OUT_OF_RANGE);
                    error = true;
                    continue;
                }
                if (read == Shard.CORRUPT)
                {
                    fail(one, Errors.KAFKA_STORAGE_ERROR);
                    error = true;
                    continue;
                }
                try
                {
                    while (view.next())
                    {
                        records.add(view.retainedPayload());
                    }
                }
                finally
                {
                    view.release();
                }
                total += records.sizeInBytes();
                budget -= records.sizeInBytes();
            }
            return error ? -1 : total;
        }

        private void release()
        {
            for (final Wanted one : wanted)
            {
                if (one.response.records() instanceof ByteBufRecords records)
                {
                    records.release();
                }
            }
        }

        private void finish()
        {
            done = true;
            if (waiting)
            {
                timeout.cancel(false);
                for (final Wanted one : wanted)
                {
                    if (one.partition != null)
                    {
                        one.partition.shard().removeTailListener(this);
                    }
                }
            }
            for (final Wanted one : wanted)
            {
                if (one.partition != null && one.response.records() instanceof ByteBufRecords records)
                {
                    one.partition.traffic().out(records.sizeInBytes());
                }
            }
            answer.complete(response);
        }
    }

    private static void fail(final Wanted one, final Errors error)
    {
        if (one.response.records() instanceof ByteBufRecords records)
        {
            records.release();
        }
        one.response.setErrorCode(error.code()).setHighWatermark(-1).setRecords(MemoryRecords.EMPTY);
    }
}
