package io.robustmq.plugin.amqp;

import com.rabbitmq.client.AuthenticationFailureException;
import com.rabbitmq.client.Channel;
import com.rabbitmq.client.Connection;
import com.rabbitmq.client.ConnectionFactory;
import com.rabbitmq.client.GetResponse;
import io.robustmq.kernel.support.Clients;
import io.robustmq.kernel.support.SelfSignedCertificate;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.NetworkInterface;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The TLS listener with RabbitMQ's Java client verifying the node's certificate; and the built-in
 * guest refused from an address that is not loopback, as RabbitMQ refuses it.
 */
class TlsAndGuestTest
{
    @TempDir
    Path dir;

    @Test
    void messagesGoThroughTheTlsListener() throws Exception
    {
        final SelfSignedCertificate certificate = SelfSignedCertificate.create(dir);
        try (AmqpNode node = AmqpNode.start(dir, """
            [plugins.amqp.listeners.tls]
            enabled = true
            port = 0
            tls_cert = "%s"
            tls_key = "%s"
            """.formatted(certificate.certificate(), certificate.privateKey())))
        {
            final ConnectionFactory factory = node.factory();
            factory.setPort(node.node().port("amqp", "tls"));
            factory.useSslProtocol(Clients.trusting(certificate.certificate()));
            try (Connection connection = factory.newConnection())
            {
                final Channel channel = connection.createChannel();
                channel.queueDeclare("secure", false, false, false, null);
                channel.basicPublish("", "secure", null, "over tls".getBytes(StandardCharsets.UTF_8));
                final GetResponse[] got = new GetResponse[1];
                Clients.await("the message back", 10_000, () ->
                {
                    try
                    {
                        got[0] = channel.basicGet("secure", true);
                    }
                    catch (final java.io.IOException ex)
                    {
                        throw new IllegalStateException(ex);
                    }
                    return got[0] != null;
                });
                assertEquals("over tls", new String(got[0].getBody(), StandardCharsets.UTF_8));
            }
        }
    }

    @Test
    void guestIsRefusedFromAnAddressThatIsNotLoopback() throws Exception
    {
        final Optional<InetAddress> external = externalAddress();
        Assumptions.assumeTrue(external.isPresent(), "this machine has an IPv4 address that is not loopback");
        // Appended to the node's [plugins.amqp.listeners.tcp] table: every address, loopback or not.
        try (AmqpNode node = AmqpNode.start(dir, """
            host = "0.0.0.0"
            """))
        {
            final ConnectionFactory fromOutside = node.factory();
            fromOutside.setHost(external.get().getHostAddress());
            final AuthenticationFailureException refused = assertThrows(AuthenticationFailureException.class,
                fromOutside::newConnection);
            assertTrue(refused.getMessage().contains("ACCESS_REFUSED"), refused.getMessage());
            try (Connection local = node.factory().newConnection())
            {
                assertTrue(local.isOpen(), "guest from loopback still logs in");
            }
        }
    }

    private static Optional<InetAddress> externalAddress() throws Exception
    {
        for (final NetworkInterface network : Collections.list(NetworkInterface.getNetworkInterfaces()))
        {
            if (network.isUp() && !network.isLoopback())
            {
                for (final InetAddress address : Collections.list(network.getInetAddresses()))
                {
                    if (address instanceof Inet4Address && !address.isLoopbackAddress())
                    {
                        return Optional.of(address);
                    }
                }
            }
        }
        return Optional.empty();
    }
}
