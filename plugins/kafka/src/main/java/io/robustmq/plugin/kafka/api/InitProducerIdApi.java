package io.robustmq.plugin.kafka.api;

import io.robustmq.plugin.kafka.protocol.KafkaRequest;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.InitProducerIdResponseData;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicLong;

/**
 * InitProducerId for idempotent producers: a producer id of its own for each, epoch 0; a producer
 * that asks again with its id and epoch (after an error it could not otherwise recover from) gets
 * the next epoch. A transactional producer is refused with TRANSACTIONAL_ID_AUTHORIZATION_FAILED:
 * transactions are a later issue.
 * <p>
 * Ids are unique across the cluster and across restarts without asking anyone: the node's id in
 * the top 16 bits, then a counter that starts at the second the plugin started times 1,000 (so a
 * node restarted later than it issued 1,000 ids a second never repeats one).
 */
public final class InitProducerIdApi implements KafkaApi
{
    private final AtomicLong nextId;
    private final long nodeBits;

    /**
     * @param nodeId        this node's id.
     * @param startMillis   when the plugin started, epoch ms.
     */
    public InitProducerIdApi(final int nodeId, final long startMillis)
    {
        this.nodeBits = (long)(nodeId & 0x7fff) << 48;
        this.nextId = new AtomicLong(startMillis / 1000 * 1000);
    }

    @Override
    public CompletionStage<ApiMessage> handle(final KafkaRequest request, final ClientConnection connection)
    {
        final InitProducerIdRequestData body = (InitProducerIdRequestData)request.body();
        final InitProducerIdResponseData response = new InitProducerIdResponseData();
        if (body.transactionalId() != null)
        {
            return CompletableFuture.completedFuture(response.setErrorCode(
                Errors.TRANSACTIONAL_ID_AUTHORIZATION_FAILED.code()).setProducerId(-1).setProducerEpoch((short)-1));
        }
        if (body.producerId() >= 0 && body.producerEpoch() >= 0 && body.producerEpoch() < Short.MAX_VALUE - 1)
        {
            return CompletableFuture.completedFuture(response.setErrorCode(Errors.NONE.code())
                .setProducerId(body.producerId()).setProducerEpoch((short)(body.producerEpoch() + 1)));
        }
        final long id = nodeBits | (nextId.getAndIncrement() & 0xffff_ffff_ffffL);
        return CompletableFuture.completedFuture(response.setErrorCode(Errors.NONE.code()).setProducerId(id)
            .setProducerEpoch((short)0));
    }
}
