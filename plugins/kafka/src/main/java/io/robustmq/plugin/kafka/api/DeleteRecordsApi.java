package io.robustmq.plugin.kafka.api;

import io.robustmq.plugin.api.metadata.Metadata;
import io.robustmq.plugin.api.metadata.TopicInfo;
import io.robustmq.plugin.kafka.partition.PartitionLogs;
import io.robustmq.plugin.kafka.protocol.KafkaRequest;
import org.apache.kafka.common.message.DeleteRecordsRequestData;
import org.apache.kafka.common.message.DeleteRecordsResponseData;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * DeleteRecords: every record below the offset given (-1: the high watermark) becomes unreadable
 * and the storage only they used is freed; recorded durably before the answer, which carries the
 * partition's new low watermark. An offset past the high watermark gets OFFSET_OUT_OF_RANGE.
 */
public final class DeleteRecordsApi implements KafkaApi
{
    private final Metadata metadata;
    private final PartitionLogs partitions;
    private final Access access;

    public DeleteRecordsApi(final Metadata metadata, final Brokers brokers, final PartitionLogs partitions)
    {
        this.metadata = metadata;
        this.partitions = partitions;
        this.access = new Access(metadata, brokers);
    }

    @Override
    public CompletionStage<ApiMessage> handle(final KafkaRequest request, final ClientConnection connection)
    {
        final DeleteRecordsRequestData body = (DeleteRecordsRequestData)request.body();
        final DeleteRecordsResponseData response = new DeleteRecordsResponseData();
        final List<CompletableFuture<?>> pending = new ArrayList<>();
        for (final DeleteRecordsRequestData.DeleteRecordsTopic topicRequest : body.topics())
        {
            final Optional<TopicInfo> topic = metadata.topic(topicRequest.name());
            final DeleteRecordsResponseData.DeleteRecordsTopicResult topicResult =
                new DeleteRecordsResponseData.DeleteRecordsTopicResult().setName(topicRequest.name());
            response.topics().add(topicResult);
            for (final DeleteRecordsRequestData.DeleteRecordsPartition partition : topicRequest.partitions())
            {
                final DeleteRecordsResponseData.DeleteRecordsPartitionResult result =
                    new DeleteRecordsResponseData.DeleteRecordsPartitionResult()
                        .setPartitionIndex(partition.partitionIndex()).setLowWatermark(-1);
                topicResult.partitions().add(result);
                final Errors refusal = access.partitionRefusal(connection,
                    io.robustmq.plugin.api.metadata.AclOperation.DELETE, topic, partition.partitionIndex(), false);
                if (refusal != null)
                {
                    result.setErrorCode(refusal.code());
                    continue;
                }
                pending.add(partitions.open(topic.get(), partition.partitionIndex()).thenCompose(open ->
                {
                    final long before = partition.offset() == -1 ? open.shard().durableOffset() : partition.offset();
                    if (before < 0 || before > open.shard().durableOffset())
                    {
                        return CompletableFuture.completedFuture(-1L);
                    }
                    return open.shard().deleteBefore(before);
                }).handle((lowWatermark, failure) ->
                {
                    final Throwable cause = Failures.cause(failure);
                    if (cause instanceof IllegalArgumentException)
                    {
                        result.setErrorCode(Errors.OFFSET_OUT_OF_RANGE.code());
                    }
                    else if (cause instanceof io.robustmq.plugin.api.storage.NoSuchShardException)
                    {
                        result.setErrorCode(Errors.UNKNOWN_TOPIC_OR_PARTITION.code());
                    }
                    else if (cause != null)
                    {
                        result.setErrorCode(Errors.KAFKA_STORAGE_ERROR.code());
                    }
                    else if (lowWatermark < 0)
                    {
                        result.setErrorCode(Errors.OFFSET_OUT_OF_RANGE.code());
                    }
                    else
                    {
                        result.setErrorCode(Errors.NONE.code()).setLowWatermark(lowWatermark);
                    }
                    return null;
                }));
            }
        }
        return CompletableFuture.allOf(pending.toArray(new CompletableFuture<?>[0]))
            .thenApplyAsync(done -> response, connection.eventLoop());
    }
}
