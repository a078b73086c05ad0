package io.robustmq.plugin.kafka;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.DataOutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * SASL on the {@code sasl} listener, with the official client: PLAIN and SCRAM-SHA-256/512
 * against the cluster's users; a wrong password refused; nothing served before authentication;
 * the cluster's ACL rules applied to the authenticated user.
 */
class SaslTest
{
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    static Path dir;
    private static KafkaNode node;
    private static int saslPort;

    @BeforeAll
    static void start() throws Exception
    {
        node = KafkaNode.start(dir, """
            [plugins.kafka.listeners.sasl]
            enabled = true
            port = 0
            """);
        saslPort = node.node().port("kafka", "sasl");
        admin("POST", "/v1/users", "{\"name\": \"alice\", \"password\": \"alice-secret\"}");
        admin("POST", "/v1/users", "{\"name\": \"bob\", \"password\": \"bob-secret\"}");
        admin("POST", "/v1/acls", "{\"principal\": \"alice\", \"resource_type\": \"topic\", \"pattern_type\": " +
            "\"prefixed\", \"resource_name\": \"sasl-\", \"operation\": \"all\", \"permission\": \"allow\"}");
        admin("POST", "/v1/acls", "{\"principal\": \"alice\", \"resource_type\": \"group\", \"resource_name\": \"*\", " +
            "\"operation\": \"all\", \"permission\": \"allow\"}");
        admin("POST", "/v1/acls", "{\"principal\": \"bob\", \"resource_type\": \"topic\", \"pattern_type\": " +
            "\"prefixed\", \"resource_name\": \"sasl-\", \"operation\": \"describe\", \"permission\": \"allow\"}");
        admin("PUT", "/v1/config/acl.allow_if_no_rule", "{\"value\": \"false\"}");
    }

    @AfterAll
    static void stop()
    {
        if (node != null)
        {
            node.close();
        }
    }

    private static void admin(final String method, final String path, final String body) throws Exception
    {
        final HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(node.node().adminUrl() + path))
            .method(method, HttpRequest.BodyPublishers.ofString(body)).build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(2, response.statusCode() / 100, response.body());
    }

    private static Map<String, Object> sasl(final String mechanism, final String user, final String password)
    {
        final String module = mechanism.equals("PLAIN") ? "org.apache.kafka.common.security.plain.PlainLoginModule" :
            "org.apache.kafka.common.security.scram.ScramLoginModule";
        final Map<String, Object> config = new HashMap<>();
        config.put("bootstrap.servers", "127.0.0.1:" + saslPort);
        config.put("security.protocol", "SASL_PLAINTEXT");
        config.put("sasl.mechanism", mechanism);
        config.put("sasl.jaas.config", module + " required username=\"" + user + "\" password=\"" + password + "\";");
        return config;
    }

    private static KafkaProducer<String, String> producer(final Map<String, Object> sasl)
    {
        final Map<String, Object> config = new HashMap<>(sasl);
        config.put("key.serializer", StringSerializer.class.getName());
        config.put("value.serializer", StringSerializer.class.getName());
        config.put("max.block.ms", 10_000);
        config.put("delivery.timeout.ms", 10_000);
        config.put("request.timeout.ms", 5_000);
        return new KafkaProducer<>(config);
    }

    @ParameterizedTest
    @ValueSource(strings = {"PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"})
    void anAuthenticatedUserProducesAndConsumesInAGroup(final String mechanism) throws Exception
    {
        final String topic = "sasl-" + mechanism.toLowerCase();
        final Map<String, Object> alice = sasl(mechanism, "alice", "alice-secret");
        try (KafkaProducer<String, String> producer = producer(alice))
        {
            for (int i = 0; i < 10; i++)
            {
                producer.send(new ProducerRecord<>(topic, "m" + i)).get();
            }
        }
        final Map<String, Object> config = new HashMap<>(alice);
        config.put("key.deserializer", StringDeserializer.class.getName());
        config.put("value.deserializer", StringDeserializer.class.getName());
        config.put("group.id", "readers-" + mechanism);
        config.put("auto.offset.reset", "earliest");
        final List<ConsumerRecord<String, String>> records = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(config))
        {
            consumer.subscribe(List.of(topic));
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (records.size() < 10 && System.nanoTime() < deadline)
            {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
            consumer.commitSync();
            assertEquals(10L, consumer.committed(java.util.Set.of(new TopicPartition(topic, 0)))
                .get(new TopicPartition(topic, 0)).offset());
        }
        assertEquals(10, records.size());
    }

    @ParameterizedTest
    @ValueSource(strings = {"PLAIN", "SCRAM-SHA-256"})
    void aWrongPasswordIsRefused(final String mechanism)
    {
        try (KafkaProducer<String, String> producer = producer(sasl(mechanism, "alice", "wrong")))
        {
            final ExecutionException refused = assertThrows(ExecutionException.class, () ->
                producer.send(new ProducerRecord<>("sasl-refused", "x")).get());
            assertInstanceOf(SaslAuthenticationException.class, refused.getCause());
        }
    }

    @Test
    void theAclRulesApplyToTheAuthenticatedUser() throws Exception
    {
        try (KafkaProducer<String, String> producer = producer(sasl("PLAIN", "alice", "alice-secret")))
        {
            producer.send(new ProducerRecord<>("sasl-acl", "created by alice")).get();
        }
        try (KafkaProducer<String, String> producer = producer(sasl("PLAIN", "bob", "bob-secret")))
        {
            final ExecutionException refused = assertThrows(ExecutionException.class, () ->
                producer.send(new ProducerRecord<>("sasl-acl", "from bob")).get());
            assertInstanceOf(TopicAuthorizationException.class, refused.getCause(), "bob may describe, not write");
        }
    }

    @Test
    void aUserWithoutRightsOnAGroupCannotDescribeIt() throws Exception
    {
        final Map<String, Object> bob = new HashMap<>(sasl("PLAIN", "bob", "bob-secret"));
        try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(bob))
        {
            final ExecutionException refused = assertThrows(ExecutionException.class, () ->
                admin.describeConsumerGroups(List.of("readers-PLAIN")).all().get());
            assertInstanceOf(org.apache.kafka.common.errors.GroupAuthorizationException.class, refused.getCause());
            assertTrue(admin.listConsumerGroups().all().get().isEmpty(), "bob is shown no group");
        }
    }

    @Test
    void nothingButApiVersionsAndSaslIsServedBeforeAuthenticating() throws Exception
    {
        try (Socket socket = new Socket("127.0.0.1", saslPort))
        {
            socket.setSoTimeout(10_000);
            // Metadata v1 (header v1: API key, version, correlation id, client id), all topics.
            final DataOutputStream out = new DataOutputStream(socket.getOutputStream());
            out.writeInt(2 + 2 + 4 + 2 + 4);
            out.writeShort(3);
            out.writeShort(1);
            out.writeInt(1);
            out.writeShort(0);
            out.writeInt(-1);
            out.flush();
            assertEquals(-1, socket.getInputStream().read(), "closed without an answer");
        }
        assertTrue(node.port() > 0, "the plain listener is unaffected");
    }
}
