package io.robustmq.kernel.support;

import io.netty.pkitesting.CertificateBuilder;
import io.netty.pkitesting.X509Bundle;

import java.nio.file.Files;
import java.nio.file.Path;

/**
 * A self-signed certificate for localhost, made in the test and written as PEM files.
 *
 * @param certificate the PEM certificate.
 * @param privateKey  the PEM PKCS#8 private key.
 */
public record SelfSignedCertificate(Path certificate, Path privateKey)
{
    /**
     * @param dir where to write the files.
     * @return the files.
     * @throws Exception if the certificate cannot be made.
     */
    public static SelfSignedCertificate create(final Path dir) throws Exception
    {
        final X509Bundle bundle = new CertificateBuilder()
            .subject("CN=localhost")
            .addSanDnsName("localhost")
            .addSanIpAddress("127.0.0.1")
            .ecp256()
            .setIsCertificateAuthority(true)
            .buildSelfSigned();
        final Path certificate = Files.writeString(dir.resolve("cert.pem"), bundle.getCertificatePEM());
        final Path privateKey = Files.writeString(dir.resolve("key.pem"), bundle.getPrivateKeyPEM());
        return new SelfSignedCertificate(certificate, privateKey);
    }
}
