package io.robustmq.kernel.support;

import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.Arrays;

/**
 * Plain JDK clients for the transport tests: sockets, TLS trusting one certificate, and helpers to
 * wait for a condition instead of sleeping.
 */
public final class Clients
{
    private Clients()
    {
    }

    /**
     * @param certificate a PEM certificate to trust, and nothing else.
     * @return a TLS context for clients.
     * @throws Exception if the certificate cannot be read.
     */
    public static SSLContext trusting(final Path certificate) throws Exception
    {
        final X509Certificate cert;
        try (InputStream in = Files.newInputStream(certificate))
        {
            cert = (X509Certificate)CertificateFactory.getInstance("X.509").generateCertificate(in);
        }
        final KeyStore trustStore = KeyStore.getInstance(KeyStore.getDefaultType());
        trustStore.load(null, null);
        trustStore.setCertificateEntry("node", cert);
        final TrustManagerFactory factory = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        factory.init(trustStore);
        final SSLContext context = SSLContext.getInstance("TLS");
        context.init(null, factory.getTrustManagers(), null);
        return context;
    }

    /**
     * Write bytes and read the same number back.
     *
     * @param socket  a connected socket, with a read timeout.
     * @param payload what to send.
     * @return what came back.
     * @throws Exception on I/O failure or early end of stream.
     */
    public static byte[] roundTrip(final Socket socket, final byte[] payload) throws Exception
    {
        final OutputStream out = socket.getOutputStream();
        out.write(payload);
        out.flush();
        final InputStream in = socket.getInputStream();
        final byte[] answer = new byte[payload.length];
        int read = 0;
        while (read < answer.length)
        {
            final int n = in.read(answer, read, answer.length - read);
            if (n < 0)
            {
                throw new java.io.EOFException("closed after " + read + " bytes: " +
                    Arrays.toString(Arrays.copyOf(answer, read)));
            }
            read += n;
        }
        return answer;
    }

    /**
     * @param socket a connected socket, with a read timeout.
     * @return true if the peer closed it (end of stream, or reset) before the timeout.
     */
    public static boolean closedByPeer(final Socket socket)
    {
        try
        {
            return socket.getInputStream().read() < 0;
        }
        catch (final java.net.SocketTimeoutException ex)
        {
            return false;
        }
        catch (final java.io.IOException ex)
        {
            return true;
        }
    }

    /**
     * Wait for a condition, polling, up to a deadline.
     *
     * @param what      what is awaited, for the failure message.
     * @param timeoutMs how long to wait at most.
     * @param condition the condition.
     * @throws InterruptedException if interrupted.
     */
    public static void await(final String what, final long timeoutMs, final java.util.function.BooleanSupplier condition)
        throws InterruptedException
    {
        final long deadline = System.nanoTime() + timeoutMs * 1_000_000;
        while (!condition.getAsBoolean())
        {
            if (System.nanoTime() > deadline)
            {
                throw new AssertionError("timed out waiting for " + what);
            }
            Thread.sleep(10);
        }
    }
}
