package io.robustmq.plugin.mqtt.connection;

import io.netty.channel.Channel;
import io.netty.handler.ssl.SslHandler;

import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.net.ssl.SSLPeerUnverifiedException;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;

/**
 * The identity a client proved with its TLS certificate: the common name (CN) of the certificate
 * the listener's client CA verified during the handshake.
 */
final class ClientCertificates
{
    private ClientCertificates()
    {
    }

    /**
     * @param channel a connection, after its TLS handshake.
     * @return the CN of the client's verified certificate, or null if it is not on TLS, presented
     * none, or its subject has no CN.
     */
    static String commonName(final Channel channel)
    {
        final SslHandler tls = channel.pipeline().get(SslHandler.class);
        if (tls == null)
        {
            return null;
        }
        try
        {
            final Certificate[] chain = tls.engine().getSession().getPeerCertificates();
            if (chain.length == 0 || !(chain[0] instanceof X509Certificate certificate))
            {
                return null;
            }
            final LdapName subject = new LdapName(certificate.getSubjectX500Principal().getName());
            for (final Rdn part : subject.getRdns())
            {
                if ("CN".equalsIgnoreCase(part.getType()))
                {
                    return part.getValue().toString();
                }
            }
            return null;
        }
        catch (final SSLPeerUnverifiedException | InvalidNameException ex)
        {
            return null;
        }
    }
}
