package io.robustmq.plugin.kafka;

import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.InitProducerIdResponseData;
import org.apache.kafka.common.message.ListOffsetsRequestData;
import org.apache.kafka.common.message.ListOffsetsResponseData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.message.RequestHeaderData;
import org.apache.kafka.common.message.ResponseHeaderData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.protocol.ObjectSerializationCache;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * ApiVersions advertises exactly what is implemented: every API it lists is asked, in every version
 * it lists, and answered in that version without an error (clients other than the Java one, such
 * as librdkafka, use older versions).
 */
class EveryVersionTest
{
    private static final String TOPIC = "every-version";

    @TempDir
    static Path dir;
    private static KafkaNode node;
    private int correlationId;

    @BeforeAll
    static void start() throws Exception
    {
        node = KafkaNode.start(dir, "");
    }

    @AfterAll
    static void stop()
    {
        if (node != null)
        {
            node.close();
        }
    }

    private ApiMessage exchange(final Socket socket, final ApiKeys api, final short version, final ApiMessage body)
        throws IOException
    {
        final int id = ++correlationId;
        final short headerVersion = api.requestHeaderVersion(version);
        final RequestHeaderData header = new RequestHeaderData().setRequestApiKey(api.id).setRequestApiVersion(version)
            .setCorrelationId(id).setClientId("every-version");
        final ObjectSerializationCache cache = new ObjectSerializationCache();
        final int size = header.size(cache, headerVersion) + body.size(cache, version);
        final ByteBuffer frame = ByteBuffer.allocate(4 + size);
        frame.putInt(size);
        final ByteBufferAccessor out = new ByteBufferAccessor(frame);
        header.write(out, cache, headerVersion);
        body.write(out, cache, version);
        final DataOutputStream output = new DataOutputStream(socket.getOutputStream());
        output.write(frame.array());
        output.flush();
        final DataInputStream input = new DataInputStream(socket.getInputStream());
        final byte[] response = new byte[input.readInt()];
        input.readFully(response);
        final ByteBufferAccessor in = new ByteBufferAccessor(ByteBuffer.wrap(response));
        final ResponseHeaderData responseHeader = new ResponseHeaderData(in, api.responseHeaderVersion(version));
        assertEquals(id, responseHeader.correlationId(), api + " v" + version);
        final ApiMessage answer = api.messageType.newResponse();
        answer.read(in, version);
        assertEquals(0, in.remaining(), api + " v" + version + ": the whole response was read");
        return answer;
    }

    @Test
    void everyAdvertisedVersionOfEveryAdvertisedApiIsAnswered() throws Exception
    {
        try (Socket socket = new Socket("127.0.0.1", node.port()))
        {
            socket.setSoTimeout(10_000);
            final ApiVersionsResponseData versions = (ApiVersionsResponseData)exchange(socket, ApiKeys.API_VERSIONS,
                (short)0, new ApiVersionsRequestData());
            assertEquals(Errors.NONE.code(), versions.errorCode());
            final MetadataResponseData created = (MetadataResponseData)exchange(socket, ApiKeys.METADATA, (short)12,
                new MetadataRequestData().setTopics(new ArrayList<>(List.of(
                    new MetadataRequestData.MetadataRequestTopic().setName(TOPIC)))));
            final Uuid topicId = created.topics().find(TOPIC).topicId();
            assertTrue(!Uuid.ZERO_UUID.equals(topicId), "the topic has an id");
            final List<String> asked = new ArrayList<>();
            for (final ApiVersionsResponseData.ApiVersion advertised : versions.apiKeys())
            {
                final ApiKeys api = ApiKeys.forId(advertised.apiKey());
                for (short version = advertised.minVersion(); version <= advertised.maxVersion(); version++)
                {
                    check(socket, api, version, topicId);
                    asked.add(api + " v" + version);
                }
            }
            assertTrue(asked.contains("PRODUCE v13") && asked.contains("FETCH v4") && asked.contains("METADATA v0"),
                asked.toString());
        }
    }

    private void check(final Socket socket, final ApiKeys api, final short version, final Uuid topicId)
        throws IOException
    {
        final String what = api + " v" + version;
        final boolean byId = version >= 13;
        switch (api)
        {
            case API_VERSIONS ->
            {
                final ApiVersionsRequestData request = new ApiVersionsRequestData();
                if (version >= 3)
                {
                    request.setClientSoftwareName("every-version").setClientSoftwareVersion("1");
                }
                assertEquals(Errors.NONE.code(), ((ApiVersionsResponseData)exchange(socket, api, version, request))
                    .errorCode(), what);
            }
            case METADATA ->
            {
                final MetadataResponseData response = (MetadataResponseData)exchange(socket, api, version,
                    new MetadataRequestData().setTopics(new ArrayList<>(List.of(
                        new MetadataRequestData.MetadataRequestTopic().setName(TOPIC)))));
                assertEquals(Errors.NONE.code(), response.topics().find(TOPIC).errorCode(), what);
                assertEquals(1, response.brokers().size(), what);
            }
            case PRODUCE ->
            {
                final ProduceRequestData request = new ProduceRequestData().setAcks((short)1).setTimeoutMs(5000);
                final ProduceRequestData.TopicProduceData topic = new ProduceRequestData.TopicProduceData()
                    .setName(byId ? "" : TOPIC).setTopicId(byId ? topicId : Uuid.ZERO_UUID);
                topic.partitionData().add(new ProduceRequestData.PartitionProduceData().setIndex(0).setRecords(
                    MemoryRecords.withRecords(Compression.NONE, new SimpleRecord(what.getBytes(StandardCharsets.UTF_8)))));
                request.topicData().add(topic);
                final ProduceResponseData.PartitionProduceResponse answer = ((ProduceResponseData)exchange(socket, api,
                    version, request)).responses().iterator().next().partitionResponses().get(0);
                assertEquals(Errors.NONE.code(), answer.errorCode(), what);
                assertTrue(answer.baseOffset() >= 0, what);
            }
            case FETCH ->
            {
                final FetchRequestData request = new FetchRequestData().setMaxWaitMs(0).setMinBytes(0)
                    .setMaxBytes(1 << 20).setReplicaId(-1);
                final FetchRequestData.FetchTopic topic = new FetchRequestData.FetchTopic()
                    .setTopic(byId ? "" : TOPIC).setTopicId(byId ? topicId : Uuid.ZERO_UUID);
                topic.partitions().add(new FetchRequestData.FetchPartition().setPartition(0).setFetchOffset(0)
                    .setPartitionMaxBytes(1 << 20));
                request.topics().add(topic);
                if (version >= 15)
                {
                    request.setReplicaState(new FetchRequestData.ReplicaState().setReplicaId(-1));
                }
                final FetchResponseData response = (FetchResponseData)exchange(socket, api, version, request);
                assertEquals(Errors.NONE.code(), response.errorCode(), what);
                final FetchResponseData.PartitionData partition = response.responses().get(0).partitions().get(0);
                assertEquals(Errors.NONE.code(), partition.errorCode(), what);
                assertTrue(partition.records().sizeInBytes() > 0, what + ": records served");
            }
            case LIST_OFFSETS ->
            {
                final ListOffsetsRequestData request = new ListOffsetsRequestData().setReplicaId(-1);
                final ListOffsetsRequestData.ListOffsetsTopic topic = new ListOffsetsRequestData.ListOffsetsTopic()
                    .setName(TOPIC);
                topic.partitions().add(new ListOffsetsRequestData.ListOffsetsPartition().setPartitionIndex(0)
                    .setTimestamp(-1));
                request.topics().add(topic);
                final ListOffsetsResponseData.ListOffsetsPartitionResponse answer = ((ListOffsetsResponseData)exchange(
                    socket, api, version, request)).topics().get(0).partitions().get(0);
                assertEquals(Errors.NONE.code(), answer.errorCode(), what);
                assertTrue(answer.offset() >= 1, what);
            }
            case INIT_PRODUCER_ID ->
            {
                final InitProducerIdResponseData response = (InitProducerIdResponseData)exchange(socket, api, version,
                    new InitProducerIdRequestData().setTransactionalId(null).setTransactionTimeoutMs(60_000));
                assertEquals(Errors.NONE.code(), response.errorCode(), what);
                assertTrue(response.producerId() >= 0, what);
            }
            default -> throw new AssertionError(what + " is advertised, and this test does not know how to ask it");
        }
    }
}
