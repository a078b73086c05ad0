package io.robustmq.meta.auth;

import io.robustmq.meta.codecs.ScramMechanismCode;

import java.util.Arrays;

/**
 * A salted password as SCRAM (RFC 5802, RFC 7677) keeps it: the salt, the iteration count, and
 * the StoredKey and ServerKey derived from the password. A SCRAM exchange checks a client's proof
 * against these; a plain password is checked by deriving them again ({@link Scram#matches}).
 *
 * @param mechanism  SCRAM-SHA-256 or SCRAM-SHA-512.
 * @param iterations PBKDF2 iterations.
 * @param salt       random, drawn where the password was set.
 * @param storedKey  H(HMAC(SaltedPassword, "Client Key")).
 * @param serverKey  HMAC(SaltedPassword, "Server Key").
 */
public record ScramCredential(
    ScramMechanismCode mechanism, int iterations, byte[] salt, byte[] storedKey, byte[] serverKey)
{
    public ScramCredential
    {
        salt = salt.clone();
        storedKey = storedKey.clone();
        serverKey = serverKey.clone();
    }

    @Override
    public byte[] salt()
    {
        return salt.clone();
    }

    @Override
    public byte[] storedKey()
    {
        return storedKey.clone();
    }

    @Override
    public byte[] serverKey()
    {
        return serverKey.clone();
    }

    @Override
    public boolean equals(final Object other)
    {
        return other instanceof ScramCredential that && mechanism == that.mechanism &&
            iterations == that.iterations && Arrays.equals(salt, that.salt) &&
            Arrays.equals(storedKey, that.storedKey) && Arrays.equals(serverKey, that.serverKey);
    }

    @Override
    public int hashCode()
    {
        return 31 * (31 * mechanism.hashCode() + iterations) + Arrays.hashCode(storedKey);
    }

    @Override
    public String toString()
    {
        return "ScramCredential[" + mechanism + ", iterations=" + iterations + "]";
    }
}
