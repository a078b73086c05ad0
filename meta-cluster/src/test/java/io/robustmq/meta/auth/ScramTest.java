package io.robustmq.meta.auth;

import io.robustmq.meta.codecs.ScramMechanismCode;
import org.junit.jupiter.api.Test;

import java.util.Base64;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ScramTest
{
    /**
     * RFC 7677 section 3's example: user "user", password "pencil", salt W22ZaJ0SNY7soEsUEjb6gQ==,
     * 4096 iterations; its ServerSignature and ClientProof follow from StoredKey and ServerKey, so
     * the keys are checked through the AuthMessage's HMACs as a SCRAM server would use them.
     */
    @Test
    void derivesTheKeysOfRfc7677sExample() throws Exception
    {
        final byte[] salt = Base64.getDecoder().decode("W22ZaJ0SNY7soEsUEjb6gQ==");
        final ScramCredential credential =
            Scram.derive(ScramMechanismCode.SCRAM_SHA_256, "pencil".toCharArray(), salt, 4096);
        final String authMessage = "n=user,r=rOprNGfwEbeRWgbNEkqO,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0," +
            "s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096,c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0";
        final javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
        mac.init(new javax.crypto.spec.SecretKeySpec(credential.serverKey(), "HmacSHA256"));
        final byte[] serverSignature = mac.doFinal(authMessage.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        assertArrayEquals(Base64.getDecoder().decode("6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4="), serverSignature);

        final byte[] proof = Base64.getDecoder().decode("dHzbZapWIk4jUhN+Ute9ytag9zjfMHgsqmmiz7AndVQ=");
        mac.init(new javax.crypto.spec.SecretKeySpec(credential.storedKey(), "HmacSHA256"));
        final byte[] clientSignature = mac.doFinal(authMessage.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        final byte[] clientKey = new byte[proof.length];
        for (int i = 0; i < proof.length; i++)
        {
            clientKey[i] = (byte)(proof[i] ^ clientSignature[i]);
        }
        assertArrayEquals(credential.storedKey(),
            java.security.MessageDigest.getInstance("SHA-256").digest(clientKey), "the client's proof verifies");
    }

    @Test
    void aPasswordMatchesOnlyItsOwnCredentialAndSaltsDiffer()
    {
        for (final ScramMechanismCode mechanism : new ScramMechanismCode[]{
            ScramMechanismCode.SCRAM_SHA_256, ScramMechanismCode.SCRAM_SHA_512})
        {
            final ScramCredential first = Scram.newCredential(mechanism, "correct horse".toCharArray());
            final ScramCredential second = Scram.newCredential(mechanism, "correct horse".toCharArray());
            assertTrue(Scram.matches(first, "correct horse".toCharArray()));
            assertFalse(Scram.matches(first, "correct hors".toCharArray()));
            assertNotEquals(first, second, "each credential has its own salt");
            assertTrue(Scram.matches(second, "correct horse".toCharArray()));
        }
    }
}
