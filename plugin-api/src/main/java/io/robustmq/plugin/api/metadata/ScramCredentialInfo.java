package io.robustmq.plugin.api.metadata;

/**
 * A user's SCRAM credential (RFC 5802): what a SCRAM server needs, never the password.
 *
 * @param mechanism  {@code SCRAM-SHA-256} or {@code SCRAM-SHA-512}.
 * @param salt       the salt.
 * @param iterations PBKDF2 iterations.
 * @param storedKey  H(ClientKey).
 * @param serverKey  HMAC(SaltedPassword, "Server Key").
 */
public record ScramCredentialInfo(String mechanism, byte[] salt, int iterations, byte[] storedKey, byte[] serverKey)
{
}
