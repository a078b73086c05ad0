package io.robustmq.plugin.kafka.api;

import io.robustmq.plugin.api.metadata.Metadata;
import io.robustmq.plugin.api.metadata.TopicInfo;
import io.robustmq.plugin.api.storage.Shard;
import io.robustmq.plugin.api.storage.ShardView;
import io.robustmq.plugin.kafka.partition.KafkaPartition;
import io.robustmq.plugin.kafka.partition.PartitionLogs;
import io.robustmq.plugin.kafka.protocol.KafkaRequest;
import org.apache.kafka.common.message.ListOffsetsRequestData;
import org.apache.kafka.common.message.ListOffsetsResponseData;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * ListOffsets: the earliest offset (-2, and -4: everything here is local), the latest (-1: the high
 * watermark, which is the durable offset), the batch with the largest timestamp (-3), or the first
 * batch holding a timestamp at least the one asked for. Offsets found by timestamp are the first
 * offset of the batch found, and its largest timestamp: within a batch no finer (a consumer that
 * seeks there reads the batch's earlier records too). Tiered storage does not exist here: -5 and
 * -6 answer offset -1.
 */
public final class ListOffsetsApi implements KafkaApi
{
    /** Kafka's special timestamps. */
    private static final long LATEST = -1;
    private static final long EARLIEST = -2;
    private static final long MAX_TIMESTAMP = -3;
    private static final long EARLIEST_LOCAL = -4;

    private final Metadata metadata;
    private final PartitionLogs partitions;
    private final Access access;

    public ListOffsetsApi(final Metadata metadata, final Brokers brokers, final PartitionLogs partitions)
    {
        this.metadata = metadata;
        this.partitions = partitions;
        this.access = new Access(metadata, brokers);
    }

    @Override
    public CompletionStage<ApiMessage> handle(final KafkaRequest request, final ClientConnection connection)
    {
        final ListOffsetsRequestData body = (ListOffsetsRequestData)request.body();
        final ListOffsetsResponseData response = new ListOffsetsResponseData();
        final List<CompletableFuture<?>> answers = new ArrayList<>();
        for (final ListOffsetsRequestData.ListOffsetsTopic topicRequest : body.topics())
        {
            final Optional<TopicInfo> topic = metadata.topic(topicRequest.name());
            final ListOffsetsResponseData.ListOffsetsTopicResponse topicResponse =
                new ListOffsetsResponseData.ListOffsetsTopicResponse().setName(topicRequest.name());
            response.topics().add(topicResponse);
            for (final ListOffsetsRequestData.ListOffsetsPartition partitionRequest : topicRequest.partitions())
            {
                final ListOffsetsResponseData.ListOffsetsPartitionResponse answer =
                    new ListOffsetsResponseData.ListOffsetsPartitionResponse()
                        .setPartitionIndex(partitionRequest.partitionIndex()).setOffset(-1).setTimestamp(-1);
                topicResponse.partitions().add(answer);
                final Errors refusal = access.partitionRefusal(connection,
                    io.robustmq.plugin.api.metadata.AclOperation.DESCRIBE, topic, partitionRequest.partitionIndex(), false);
                if (refusal != null)
                {
                    answer.setErrorCode(refusal.code());
                    continue;
                }
                answers.add(partitions.open(topic.get(), partitionRequest.partitionIndex()).handleAsync(
                    (partition, failure) ->
                    {
                        if (failure != null)
                        {
                            answer.setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
                        }
                        else
                        {
                            find(partition, partitionRequest.timestamp(), answer, request.version());
                        }
                        return null;
                    }, connection.eventLoop()));
            }
        }
        return CompletableFuture.allOf(answers.toArray(new CompletableFuture<?>[0]))
            .thenApplyAsync(done -> response, connection.eventLoop());
    }

    private static void find(final KafkaPartition partition, final long timestamp,
        final ListOffsetsResponseData.ListOffsetsPartitionResponse answer, final short version)
    {
        final Shard shard = partition.shard();
        answer.setErrorCode(Errors.NONE.code());
        if (version >= 4)
        {
            answer.setLeaderEpoch(partition.leaderEpoch());
        }
        if (timestamp == LATEST)
        {
            answer.setOffset(shard.durableOffset());
        }
        else if (timestamp == EARLIEST || timestamp == EARLIEST_LOCAL)
        {
            answer.setOffset(shard.earliestOffset());
        }
        else if (timestamp == MAX_TIMESTAMP)
        {
            maxTimestamp(shard, answer);
        }
        else if (timestamp >= 0)
        {
            final long offset = shard.offsetForTimestamp(timestamp);
            if (offset >= 0 && offset < shard.durableOffset())
            {
                final ShardView view = shard.newView();
                try
                {
                    if (shard.read(Math.max(offset, shard.earliestOffset()), 1, 1, view) > 0 && view.next())
                    {
                        answer.setOffset(view.baseOffset()).setTimestamp(view.maxTimestamp());
                    }
                }
                finally
                {
                    view.release();
                }
            }
        }
        // -5 (latest tiered) and -6 (earliest pending upload): no tiered storage, offset -1.
    }

    /**
     * The last offset of the first batch with the largest timestamp (scans the partition's batches).
     */
    private static void maxTimestamp(final Shard shard, final ListOffsetsResponseData.ListOffsetsPartitionResponse answer)
    {
        final ShardView view = shard.newView();
        long offset = shard.earliestOffset();
        final long end = shard.durableOffset();
        long bestTimestamp = -1;
        long bestOffset = -1;
        while (offset < end)
        {
            if (shard.read(offset, 1024 * 1024, Integer.MAX_VALUE, view) <= 0)
            {
                break;
            }
            try
            {
                while (view.next())
                {
                    if (view.maxTimestamp() > bestTimestamp)
                    {
                        bestTimestamp = view.maxTimestamp();
                        bestOffset = view.baseOffset() + view.recordCount() - 1;
                    }
                }
                offset = view.nextOffset();
            }
            finally
            {
                view.release();
            }
        }
        answer.setOffset(bestOffset).setTimestamp(bestTimestamp);
    }
}
