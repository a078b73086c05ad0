package io.robustmq.meta.auth;

import io.robustmq.meta.codecs.ScramMechanismCode;

import javax.crypto.Mac;
import javax.crypto.SecretKeyFactory;
import javax.crypto.spec.PBEKeySpec;
import javax.crypto.spec.SecretKeySpec;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;

/**
 * Derives SCRAM credentials from a password (RFC 5802 section 3) with the JDK's PBKDF2 and HMAC,
 * and checks a password against them. Derivation runs where a password is set (the admin API),
 * never in the state machine, which must not draw random salts.
 */
public final class Scram
{
    /** Iterations for new credentials: Kafka's minimum for SCRAM is 4096. */
    public static final int DEFAULT_ITERATIONS = 4096;
    private static final int SALT_BYTES = 16;
    private static final SecureRandom RANDOM = new SecureRandom();

    private Scram()
    {
    }

    /**
     * @param mechanism SCRAM-SHA-256 or SCRAM-SHA-512.
     * @param password  the password.
     * @return a credential with a fresh random salt and {@link #DEFAULT_ITERATIONS}.
     */
    public static ScramCredential newCredential(final ScramMechanismCode mechanism, final char[] password)
    {
        final byte[] salt = new byte[SALT_BYTES];
        RANDOM.nextBytes(salt);
        return derive(mechanism, password, salt, DEFAULT_ITERATIONS);
    }

    /**
     * @param mechanism  SCRAM-SHA-256 or SCRAM-SHA-512.
     * @param password   the password.
     * @param salt       the salt.
     * @param iterations PBKDF2 iterations, at least 1.
     * @return the credential those give.
     */
    public static ScramCredential derive(
        final ScramMechanismCode mechanism, final char[] password, final byte[] salt, final int iterations)
    {
        try
        {
            final byte[] salted = saltedPassword(mechanism, password, salt, iterations);
            final byte[] clientKey = hmac(mechanism, salted, "Client Key");
            final byte[] storedKey = MessageDigest.getInstance(digestName(mechanism)).digest(clientKey);
            final byte[] serverKey = hmac(mechanism, salted, "Server Key");
            return new ScramCredential(mechanism, iterations, salt, storedKey, serverKey);
        }
        catch (final GeneralSecurityException ex)
        {
            throw new IllegalStateException("the JDK lacks " + mechanism, ex);
        }
    }

    /**
     * @param credential what is stored.
     * @param password   a password offered in plain (MQTT's CONNECT, SASL PLAIN).
     * @return true if the password is the one the credential was derived from; constant time.
     */
    public static boolean matches(final ScramCredential credential, final char[] password)
    {
        final ScramCredential offered =
            derive(credential.mechanism(), password, credential.salt(), credential.iterations());
        return MessageDigest.isEqual(offered.storedKey(), credential.storedKey());
    }

    private static byte[] saltedPassword(
        final ScramMechanismCode mechanism, final char[] password, final byte[] salt, final int iterations)
        throws GeneralSecurityException
    {
        final int bits = mechanism == ScramMechanismCode.SCRAM_SHA_512 ? 512 : 256;
        final PBEKeySpec spec = new PBEKeySpec(password, salt, iterations, bits);
        try
        {
            return SecretKeyFactory.getInstance("PBKDF2With" + hmacName(mechanism)).generateSecret(spec).getEncoded();
        }
        finally
        {
            spec.clearPassword();
        }
    }

    private static byte[] hmac(final ScramMechanismCode mechanism, final byte[] key, final String text)
        throws GeneralSecurityException
    {
        final Mac mac = Mac.getInstance(hmacName(mechanism));
        mac.init(new SecretKeySpec(key, hmacName(mechanism)));
        return mac.doFinal(text.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }

    private static String hmacName(final ScramMechanismCode mechanism)
    {
        return mechanism == ScramMechanismCode.SCRAM_SHA_512 ? "HmacSHA512" : "HmacSHA256";
    }

    private static String digestName(final ScramMechanismCode mechanism)
    {
        return mechanism == ScramMechanismCode.SCRAM_SHA_512 ? "SHA-512" : "SHA-256";
    }
}
