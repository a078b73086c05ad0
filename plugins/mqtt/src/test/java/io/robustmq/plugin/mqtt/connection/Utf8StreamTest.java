package io.robustmq.plugin.mqtt.connection;

import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class Utf8StreamTest
{
    private static boolean check(final byte[] bytes)
    {
        final Utf8Stream stream = new Utf8Stream();
        for (final byte b : bytes)
        {
            if (!stream.accept(b & 0xFF))
            {
                return false;
            }
        }
        return stream.complete();
    }

    private static boolean jdkAccepts(final byte[] bytes)
    {
        try
        {
            StandardCharsets.UTF_8.newDecoder()
                .onMalformedInput(CodingErrorAction.REPORT)
                .onUnmappableCharacter(CodingErrorAction.REPORT)
                .decode(ByteBuffer.wrap(bytes));
            return true;
        }
        catch (final CharacterCodingException ex)
        {
            return false;
        }
    }

    @Test
    void wellFormedTextPassesAndTheKnownBadFormsFail()
    {
        assertTrue(check("sensors/température/東京/😀".getBytes(StandardCharsets.UTF_8)));
        assertTrue(check(new byte[0]));
        assertFalse(check(new byte[] {'a', 0, 'b'}), "U+0000 is not allowed in MQTT strings");
        assertFalse(check(new byte[] {(byte)0xC3, 0x28}), "a lead byte without its continuation");
        assertFalse(check(new byte[] {(byte)0xC0, (byte)0xAF}), "an overlong '/'");
        assertFalse(check(new byte[] {(byte)0xE0, (byte)0x80, (byte)0xAF}), "an overlong '/' in three bytes");
        assertFalse(check(new byte[] {(byte)0xED, (byte)0xA0, (byte)0x80}), "a UTF-16 surrogate");
        assertFalse(check(new byte[] {(byte)0xF4, (byte)0x90, (byte)0x80, (byte)0x80}), "above U+10FFFF");
        assertFalse(check(new byte[] {(byte)0xE2, (byte)0x82}), "cut short");
        assertFalse(check(new byte[] {(byte)0xFF}));
    }

    @Test
    void agreesWithTheJdkDecoderOnRandomBytes()
    {
        final long seed = Long.getLong("test.seed", System.nanoTime());
        final SplittableRandom random = new SplittableRandom(seed);
        for (int i = 0; i < 200_000; i++)
        {
            final byte[] bytes = new byte[random.nextInt(1, 8)];
            for (int j = 0; j < bytes.length; j++)
            {
                // Mostly bytes from the interesting ranges: lead bytes and continuations.
                bytes[j] = (byte)(random.nextInt(4) == 0 ? random.nextInt(1, 0x80) : random.nextInt(0x80, 0x100));
            }
            assertEquals(jdkAccepts(bytes), check(bytes), () -> "seed " + seed + ": " + java.util.HexFormat.of()
                .formatHex(bytes));
        }
    }
}
