package io.robustmq.plugin.kafka;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ByteBufferAccessor;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * What a client that sends something wrong gets, over a raw socket: an answer where Kafka's
 * protocol has one (UNSUPPORTED_VERSION, CORRUPT_MESSAGE), a closed connection where Kafka closes
 * it (a frame over the limit, one that cannot be parsed). The node stays up and loses nothing.
 */
class BadInputTest
{
    private static final int MAX_FRAME = 64 * 1024;

    @TempDir
    static Path dir;
    private static KafkaNode node;

    @BeforeAll
    static void start() throws Exception
    {
        node = KafkaNode.start(dir, "[plugins.kafka]\nmax_frame_bytes = " + MAX_FRAME + "\n");
    }

    @AfterAll
    static void stop()
    {
        if (node != null)
        {
            node.close();
        }
    }

    /** A request frame: size, API key, version, correlation id, client id (header v1), body. */
    private static byte[] frame(final int apiKey, final int version, final int correlationId, final byte[] body)
    {
        final byte[] clientId = "raw".getBytes(StandardCharsets.UTF_8);
        final ByteBuffer frame = ByteBuffer.allocate(4 + 8 + 2 + clientId.length + body.length);
        frame.putInt(frame.capacity() - 4).putShort((short)apiKey).putShort((short)version).putInt(correlationId)
            .putShort((short)clientId.length).put(clientId).put(body);
        return frame.array();
    }

    private static ByteBuffer exchange(final Socket socket, final byte[] request) throws IOException
    {
        final DataOutputStream out = new DataOutputStream(socket.getOutputStream());
        out.write(request);
        out.flush();
        final DataInputStream in = new DataInputStream(socket.getInputStream());
        final byte[] response = new byte[in.readInt()];
        in.readFully(response);
        return ByteBuffer.wrap(response);
    }

    private static Socket connect() throws IOException
    {
        final Socket socket = new Socket("127.0.0.1", node.port());
        socket.setSoTimeout(10_000);
        return socket;
    }

    private static void assertClosed(final Socket socket)
    {
        assertThrows(IOException.class, () ->
        {
            final int read = socket.getInputStream().read();
            if (read < 0)
            {
                throw new EOFException("closed");
            }
        }, "the broker closed the connection");
    }

    @Test
    void anUnknownApiKeyIsAnsweredWithUnsupportedVersionAndTheConnectionStaysOpen() throws Exception
    {
        try (Socket socket = connect())
        {
            final ByteBuffer answer = exchange(socket, frame(9999, 0, 42, new byte[0]));
            assertEquals(42, answer.getInt(), "the correlation id");
            assertEquals(Errors.UNSUPPORTED_VERSION.code(), answer.getShort());
            // Still usable: ApiVersions v0 (no body) is answered.
            final ByteBuffer versions = exchange(socket, frame(ApiKeys.API_VERSIONS.id, 0, 43, new byte[0]));
            assertEquals(43, versions.getInt());
            final ApiVersionsResponseData data = new ApiVersionsResponseData(new ByteBufferAccessor(versions), (short)0);
            assertEquals(Errors.NONE.code(), data.errorCode());
            assertTrue(data.apiKeys().find(ApiKeys.PRODUCE.id) != null, "Produce is advertised");
            assertEquals(null, data.apiKeys().find(ApiKeys.ELECT_LEADERS.id), "what is not implemented is not advertised");
        }
    }

    @Test
    void apiVersionsInAVersionTheBrokerDoesNotKnowIsAnsweredInVersion0() throws Exception
    {
        try (Socket socket = connect())
        {
            final ByteBuffer answer = exchange(socket, frame(ApiKeys.API_VERSIONS.id, 99, 7, new byte[0]));
            assertEquals(7, answer.getInt());
            final ApiVersionsResponseData data = new ApiVersionsResponseData(new ByteBufferAccessor(answer), (short)0);
            assertEquals(Errors.UNSUPPORTED_VERSION.code(), data.errorCode());
            assertTrue(data.apiKeys().size() > 0, "with the versions to ask with instead");
        }
    }

    @Test
    void anApiTheBrokerDoesNotImplementIsAnsweredWithUnsupportedVersion() throws Exception
    {
        try (Socket socket = connect())
        {
            final ByteBuffer answer = exchange(socket, frame(ApiKeys.ELECT_LEADERS.id, 0, 8, new byte[0]));
            assertEquals(8, answer.getInt());
            assertEquals(Errors.UNSUPPORTED_VERSION.code(), answer.getShort());
        }
    }

    @Test
    void aFrameOverTheLimitClosesTheConnectionBeforeItIsRead() throws Exception
    {
        try (Socket socket = connect())
        {
            final DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            // Only the size is sent: the broker must refuse on the size alone, not wait for the bytes.
            out.writeInt(MAX_FRAME + 1);
            out.flush();
            assertClosed(socket);
        }
        assertStillServes();
    }

    @Test
    void aRequestThatCannotBeParsedClosesTheConnection() throws Exception
    {
        try (Socket socket = connect())
        {
            // Metadata v9 is flexible: a body of garbage does not parse.
            final DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            out.write(frame(ApiKeys.METADATA.id, 9, 9, new byte[]{(byte)0xff, (byte)0xff, (byte)0xff, (byte)0xff, 1}));
            out.flush();
            assertClosed(socket);
        }
        assertStillServes();
    }

    @Test
    void aBatchWithAWrongCrcIsRefusedWithCorruptMessageAndNothingIsStored() throws Exception
    {
        final String topic = "corrupt";
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of("bootstrap.servers",
            node.bootstrap(), "key.serializer", StringSerializer.class.getName(), "value.serializer",
            StringSerializer.class.getName())))
        {
            producer.send(new ProducerRecord<>(topic, "good")).get();
        }
        // A Produce v9 request (topics by name) with one batch whose CRC is off by one.
        final org.apache.kafka.common.record.internal.MemoryRecords records =
            org.apache.kafka.common.record.internal.MemoryRecords.withRecords(
                org.apache.kafka.common.compress.Compression.NONE,
                new org.apache.kafka.common.record.internal.SimpleRecord("bad".getBytes(StandardCharsets.UTF_8)));
        final ByteBuffer batch = records.buffer().duplicate();
        batch.putInt(17, batch.getInt(17) + 1);
        final org.apache.kafka.common.message.ProduceRequestData request = new org.apache.kafka.common.message.ProduceRequestData()
            .setAcks((short)1).setTimeoutMs(5000);
        final org.apache.kafka.common.message.ProduceRequestData.TopicProduceData topicData =
            new org.apache.kafka.common.message.ProduceRequestData.TopicProduceData().setName(topic);
        topicData.partitionData().add(new org.apache.kafka.common.message.ProduceRequestData.PartitionProduceData()
            .setIndex(0).setRecords(org.apache.kafka.common.record.internal.MemoryRecords.readableRecords(batch)));
        request.topicData().add(topicData);
        final short version = 9;
        final org.apache.kafka.common.protocol.ObjectSerializationCache cache =
            new org.apache.kafka.common.protocol.ObjectSerializationCache();
        final ByteBuffer body = ByteBuffer.allocate(request.size(cache, version));
        request.write(new ByteBufferAccessor(body), cache, version);
        try (Socket socket = connect())
        {
            // Produce v9 is flexible: header v2 (client id, then an empty tagged-field section).
            final byte[] clientId = "raw".getBytes(StandardCharsets.UTF_8);
            final ByteBuffer frame = ByteBuffer.allocate(4 + 8 + 2 + clientId.length + 1 + body.capacity());
            frame.putInt(frame.capacity() - 4).putShort(ApiKeys.PRODUCE.id).putShort(version).putInt(11)
                .putShort((short)clientId.length).put(clientId).put((byte)0).put(body.array());
            final ByteBuffer answer = exchange(socket, frame.array());
            assertEquals(11, answer.getInt());
            answer.get(); // response header v1: tagged fields
            final ProduceResponseData response = new ProduceResponseData(new ByteBufferAccessor(answer), version);
            assertEquals(Errors.CORRUPT_MESSAGE.code(),
                response.responses().iterator().next().partitionResponses().get(0).errorCode());
        }
        final List<ConsumerRecord<String, String>> stored = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = consumer())
        {
            final TopicPartition partition = new TopicPartition(topic, 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            assertEquals(1L, consumer.endOffsets(List.of(partition)).get(partition), "only the good record");
            while (stored.isEmpty())
            {
                consumer.poll(Duration.ofMillis(200)).forEach(stored::add);
            }
        }
        assertEquals("good", stored.get(0).value());
    }

    private static KafkaConsumer<String, String> consumer()
    {
        final Properties config = new Properties();
        config.put("bootstrap.servers", node.bootstrap());
        config.put("key.deserializer", StringDeserializer.class.getName());
        config.put("value.deserializer", StringDeserializer.class.getName());
        return new KafkaConsumer<>(config);
    }

    /**
     * A client that sends Fetch after Fetch and never reads the answers: the broker stops reading it
     * once its answers back up (bounded memory), rather than answering all of them into memory; when
     * the client reads again, every answer comes, in order.
     */
    @Test
    void aClientThatStopsReadingItsAnswersIsNotReadEither() throws Exception
    {
        final String topic = "unread";
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of("bootstrap.servers",
            node.bootstrap(), "key.serializer", StringSerializer.class.getName(), "value.serializer",
            StringSerializer.class.getName(), "batch.size", "16384")))
        {
            for (int i = 0; i < 64; i++)
            {
                producer.send(new ProducerRecord<>(topic, 0, null, "x".repeat(2000)));
            }
            producer.flush();
        }
        final int requests = 2000;
        final int answerBytes = 64 * 1024;
        final org.apache.kafka.common.message.FetchRequestData fetch = new org.apache.kafka.common.message.FetchRequestData()
            .setMaxWaitMs(0).setMinBytes(1).setMaxBytes(answerBytes).setReplicaId(-1);
        fetch.topics().add(new org.apache.kafka.common.message.FetchRequestData.FetchTopic().setTopic(topic)
            .setPartitions(List.of(new org.apache.kafka.common.message.FetchRequestData.FetchPartition()
                .setPartition(0).setFetchOffset(0).setPartitionMaxBytes(answerBytes))));
        final short version = 11;
        try (RawKafka raw = new RawKafka(node.port()))
        {
            final java.util.concurrent.CompletableFuture<Void> sending = java.util.concurrent.CompletableFuture.runAsync(() ->
            {
                try
                {
                    for (int i = 0; i < requests; i++)
                    {
                        raw.send(org.apache.kafka.common.protocol.ApiKeys.FETCH, version, fetch);
                    }
                }
                catch (final IOException ex)
                {
                    throw new java.io.UncheckedIOException(ex);
                }
            });
            // Wait until the broker has stopped answering: the count of Fetch answers holds still.
            final double[] last = {-1};
            io.robustmq.kernel.support.Clients.await("the broker stops reading the connection", 30_000, () ->
            {
                final double now = fetchesAnswered();
                final boolean still = now > 0 && now == last[0];
                last[0] = now;
                if (!still)
                {
                    java.util.concurrent.locks.LockSupport.parkNanos(300_000_000L);
                }
                return still;
            });
            assertTrue(last[0] < requests / 2, "answered " + last[0] + " of " + requests + " while none was read");
            for (int i = 0; i < requests; i++)
            {
                final org.apache.kafka.common.message.FetchResponseData answer =
                    (org.apache.kafka.common.message.FetchResponseData)raw.receiveNext(
                        org.apache.kafka.common.protocol.ApiKeys.FETCH, version);
                assertEquals(Errors.NONE.code(), answer.responses().get(0).partitions().get(0).errorCode());
            }
            sending.get(30, java.util.concurrent.TimeUnit.SECONDS);
        }
        assertStillServes();
    }

    private static double fetchesAnswered()
    {
        final String page;
        try
        {
            page = node.node().get("/metrics").body();
        }
        catch (final Exception ex)
        {
            throw new IllegalStateException("no metrics page", ex);
        }
        for (final String line : page.split("\n"))
        {
            if (line.startsWith("robustmq_kafka_request_seconds_count{api=\"fetch\""))
            {
                return Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1));
            }
        }
        return 0;
    }

    /** A client connecting afresh is served: the node is up. */
    private static void assertStillServes() throws Exception
    {
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(Map.of("bootstrap.servers",
            node.bootstrap(), "key.serializer", StringSerializer.class.getName(), "value.serializer",
            StringSerializer.class.getName())))
        {
            assertEquals(0L, producer.send(new ProducerRecord<>("after-" + System.nanoTime(), "x")).get().offset());
        }
    }
}
