package io.robustmq.plugin.kafka;

import io.robustmq.kernel.support.SelfSignedCertificate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

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
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The TLS listeners, with the official client: {@code tls} (Kafka's SSL) and {@code sasl_tls}
 * (SASL_SSL with PLAIN), a producer and a consumer each, verifying the node's certificate; the
 * client is sent back to the listener it reached.
 */
class TlsTest
{
    @TempDir
    Path dir;

    @Test
    void producersAndConsumersWorkOverTlsAndSaslOverTls() throws Exception
    {
        final SelfSignedCertificate certificate = SelfSignedCertificate.create(dir);
        try (KafkaNode node = KafkaNode.start(dir, """
            [plugins.kafka.listeners.tls]
            enabled = true
            port = 0
            tls_cert = "%1$s"
            tls_key = "%2$s"
            [plugins.kafka.listeners.sasl_tls]
            enabled = true
            port = 0
            tls_cert = "%1$s"
            tls_key = "%2$s"
            """.formatted(certificate.certificate(), certificate.privateKey())))
        {
            final HttpResponse<String> created = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                URI.create(node.node().adminUrl() + "/v1/users")).POST(HttpRequest.BodyPublishers.ofString(
                "{\"name\": \"carol\", \"password\": \"carol-secret\"}")).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(2, created.statusCode() / 100, created.body());

            final Map<String, Object> tls = new HashMap<>();
            tls.put("bootstrap.servers", "127.0.0.1:" + node.node().port("kafka", "tls"));
            tls.put("security.protocol", "SSL");
            tls.put("ssl.truststore.type", "PEM");
            tls.put("ssl.truststore.location", certificate.certificate().toString());
            roundTrip(tls, "over-tls");

            final Map<String, Object> saslTls = new HashMap<>(tls);
            saslTls.put("bootstrap.servers", "127.0.0.1:" + node.node().port("kafka", "sasl_tls"));
            saslTls.put("security.protocol", "SASL_SSL");
            saslTls.put("sasl.mechanism", "PLAIN");
            saslTls.put("sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required " +
                "username=\"carol\" password=\"carol-secret\";");
            roundTrip(saslTls, "over-sasl-tls");
        }
    }

    private static void roundTrip(final Map<String, Object> security, final String topic) throws Exception
    {
        final Map<String, Object> producerConfig = new HashMap<>(security);
        producerConfig.put("key.serializer", StringSerializer.class.getName());
        producerConfig.put("value.serializer", StringSerializer.class.getName());
        try (KafkaProducer<String, String> producer = new KafkaProducer<>(producerConfig))
        {
            for (int i = 0; i < 20; i++)
            {
                producer.send(new ProducerRecord<>(topic, "secret " + i)).get();
            }
        }
        final Map<String, Object> consumerConfig = new HashMap<>(security);
        consumerConfig.put("key.deserializer", StringDeserializer.class.getName());
        consumerConfig.put("value.deserializer", StringDeserializer.class.getName());
        final List<ConsumerRecord<String, String>> records = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(consumerConfig))
        {
            final TopicPartition partition = new TopicPartition(topic, 0);
            consumer.assign(List.of(partition));
            consumer.seekToBeginning(List.of(partition));
            final long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
            while (records.size() < 20 && System.nanoTime() < deadline)
            {
                consumer.poll(Duration.ofMillis(200)).forEach(records::add);
            }
        }
        assertEquals(20, records.size(), topic);
        assertEquals("secret 19", records.get(19).value());
    }
}
