package io.robustmq.plugin.mqtt;

import io.netty.pkitesting.CertificateBuilder;
import io.netty.pkitesting.X509Bundle;
import io.robustmq.kernel.support.SelfSignedCertificate;
import io.robustmq.kernel.support.TestNode;
import org.eclipse.paho.client.mqttv3.MqttClient;
import org.eclipse.paho.client.mqttv3.MqttConnectOptions;
import org.eclipse.paho.client.mqttv3.MqttException;
import org.eclipse.paho.client.mqttv3.persist.MemoryPersistence;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.net.ssl.KeyManager;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Mutual TLS on the MQTT TLS listener: a client certificate signed by the listener's client CA
 * is required, and its CN is the user (no password), as Mosquitto's {@code use_identity_as_username}.
 */
class MutualTlsTest
{
    @TempDir
    Path temp;

    @Test
    void aClientCertificateIsTheUserAndNoCertificateIsNoConnection() throws Exception
    {
        final SelfSignedCertificate server = SelfSignedCertificate.create(temp);
        final X509Bundle ca = new CertificateBuilder().subject("CN=Device CA").ecp256().setIsCertificateAuthority(true)
            .buildSelfSigned();
        final X509Bundle device = new CertificateBuilder().subject("CN=meter-42,O=Fleet").ecp256()
            .buildIssuedBy(ca);
        final Path caFile = Files.writeString(temp.resolve("client-ca.pem"), ca.getCertificatePEM());
        try (MqttNode node = MqttNode.start(temp, """
            [plugins.mqtt]
            allow_anonymous = "false"
            certificate_as_username = true
            [plugins.mqtt.listeners.tls]
            enabled = true
            port = 0
            tls_cert = "%s"
            tls_key = "%s"
            tls_client_ca = "%s"
            tls_client_auth = "require"
            """.formatted(server.certificate(), server.privateKey(), caFile)))
        {
            final TestNode test = node.node();
            final String uri = "ssl://127.0.0.1:" + test.port("mqtt", "tls");

            final MqttClient client = new MqttClient(uri, "meter-42", new MemoryPersistence());
            client.connect(options(server, device.toKeyManagerFactory().getKeyManagers()));
            final LinkedBlockingQueue<String> received = new LinkedBlockingQueue<>();
            client.subscribe("meters/#", 1, (topic, message) ->
                received.add(new String(message.getPayload(), StandardCharsets.UTF_8)));
            client.publish("meters/meter-42/kwh", "17.5".getBytes(StandardCharsets.UTF_8), 1, false);
            assertEquals("17.5", received.poll(10, TimeUnit.SECONDS), "connected as meter-42 with no password");
            client.disconnect();
            client.close();

            final MqttClient stranger = new MqttClient(uri, "stranger", new MemoryPersistence());
            final MqttException refused = assertThrows(MqttException.class,
                () -> stranger.connect(options(server, null)));
            assertTrue(refused.getReasonCode() == MqttException.REASON_CODE_CLIENT_EXCEPTION ||
                refused.getReasonCode() == MqttException.REASON_CODE_CONNECTION_LOST, refused.toString());
            stranger.close();
        }
    }

    private static MqttConnectOptions options(final SelfSignedCertificate server, final KeyManager[] keys)
        throws Exception
    {
        final KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
        trusted.load(null, null);
        trusted.setCertificateEntry("server", java.security.cert.CertificateFactory.getInstance("X.509")
            .generateCertificate(Files.newInputStream(server.certificate())));
        final TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        trust.init(trusted);
        final SSLContext context = SSLContext.getInstance("TLS");
        context.init(keys, trust.getTrustManagers(), null);
        final MqttConnectOptions options = new MqttConnectOptions();
        options.setSocketFactory(context.getSocketFactory());
        options.setHttpsHostnameVerificationEnabled(false);
        options.setConnectionTimeout(10);
        return options;
    }
}
