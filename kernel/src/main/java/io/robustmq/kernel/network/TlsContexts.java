package io.robustmq.kernel.network;

import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Server TLS contexts from PEM files, checked when the listener is bound so that a bad certificate
 * stops the node at start, not at the first handshake.
 */
final class TlsContexts
{
    private TlsContexts()
    {
    }

    static SslContext server(
        final String listener,
        final Path certificate,
        final Path privateKey,
        final Path clientCa,
        final io.robustmq.plugin.api.ClientAuth clientAuth)
        throws ListenerBindException
    {
        requireReadable(listener, "certificate", certificate);
        requireReadable(listener, "private key", privateKey);
        if (clientAuth != io.robustmq.plugin.api.ClientAuth.NONE)
        {
            requireReadable(listener, "client CA", clientCa);
        }
        try
        {
            final SslContextBuilder builder = SslContextBuilder.forServer(certificate.toFile(), privateKey.toFile());
            if (clientAuth != io.robustmq.plugin.api.ClientAuth.NONE)
            {
                builder.trustManager(clientCa.toFile()).clientAuth(clientAuth == io.robustmq.plugin.api.ClientAuth.REQUIRE ?
                    io.netty.handler.ssl.ClientAuth.REQUIRE : io.netty.handler.ssl.ClientAuth.OPTIONAL);
            }
            return builder.build();
        }
        catch (final Exception ex)
        {
            throw new ListenerBindException("listener " + listener + ": cannot load TLS certificate " + certificate +
                " and key " + privateKey + ": " + oneLine(ex), ex);
        }
    }

    private static void requireReadable(final String listener, final String what, final Path file)
        throws ListenerBindException
    {
        if (!Files.isRegularFile(file) || !Files.isReadable(file))
        {
            throw new ListenerBindException("listener " + listener + ": cannot read TLS " + what + " " + file, null);
        }
    }

    private static String oneLine(final Throwable ex)
    {
        Throwable root = ex;
        while (root.getCause() != null && root.getCause() != root)
        {
            root = root.getCause();
        }
        final String message = root.getMessage() == null ? root.getClass().getSimpleName() : root.getMessage();
        return message.replace('\n', ' ');
    }
}
