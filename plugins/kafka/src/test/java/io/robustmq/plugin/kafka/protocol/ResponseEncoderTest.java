package io.robustmq.plugin.kafka.protocol;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.ResponseHeaderData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;

class ResponseEncoderTest
{
    @Test
    void aFetchResponseWithRetainedBatchesIsWhatKafkaParsesAndTheBatchesAreNotCopied()
    {
        for (short version = ApiKeys.FETCH.oldestVersion(); version <= ApiKeys.FETCH.latestVersion(); version++)
        {
            final byte[] first = {1, 2, 3, 4, 5};
            final byte[] second = new byte[300];
            second[299] = 9;
            final ByteBuf firstBuf = Unpooled.wrappedBuffer(first);
            final ByteBufRecords records = new ByteBufRecords();
            records.add(firstBuf);
            records.add(Unpooled.wrappedBuffer(second));
            final FetchResponseData response = new FetchResponseData().setSessionId(0);
            final FetchResponseData.FetchableTopicResponse topic = new FetchResponseData.FetchableTopicResponse()
                .setTopic(version < 13 ? "t" : "").setTopicId(version < 13 ? org.apache.kafka.common.Uuid.ZERO_UUID :
                    org.apache.kafka.common.Uuid.randomUuid());
            // Varints of every length: 0 to 300 000 partitions' worth would be too many; a long
            // high watermark and many partitions exercise the writer's varints instead.
            for (int p = 0; p < 130; p++)
            {
                topic.partitions().add(new FetchResponseData.PartitionData().setPartitionIndex(p)
                    .setHighWatermark(Long.MAX_VALUE - p).setRecords(p == 64 ? records : MemoryRecords.EMPTY));
            }
            response.responses().add(topic);
            final short headerVersion = ApiKeys.FETCH.responseHeaderVersion(version);
            final ByteBuf frame = ResponseEncoder.encode(ByteBufAllocator.DEFAULT, 77, headerVersion, response, version);
            try
            {
                if (frame instanceof io.netty.buffer.CompositeByteBuf composite)
                {
                    assertSame(firstBuf.array(), composite.component(1).array(), "the first batch is the buffer given");
                }
                final int size = frame.readInt();
                assertEquals(frame.readableBytes(), size);
                final byte[] bytes = new byte[size];
                frame.readBytes(bytes);
                final ByteBufferAccessor in = new ByteBufferAccessor(ByteBuffer.wrap(bytes));
                final ResponseHeaderData header = new ResponseHeaderData(in, headerVersion);
                assertEquals(77, header.correlationId());
                final FetchResponseData parsed = new FetchResponseData(in, version);
                final FetchResponseData.PartitionData partition = parsed.responses().get(0).partitions().get(64);
                final ByteBuffer served = ((MemoryRecords)partition.records()).buffer();
                final byte[] expected = new byte[305];
                System.arraycopy(first, 0, expected, 0, 5);
                System.arraycopy(second, 0, expected, 5, 300);
                final byte[] actual = new byte[served.remaining()];
                served.get(actual);
                assertArrayEquals(expected, actual, "version " + version);
                assertEquals(Long.MAX_VALUE - 129, parsed.responses().get(0).partitions().get(129).highWatermark());
            }
            finally
            {
                frame.release();
            }
        }
    }
}
