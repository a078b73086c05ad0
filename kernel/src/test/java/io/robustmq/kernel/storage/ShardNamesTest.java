package io.robustmq.kernel.storage;

import io.robustmq.kernel.support.Seeds;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.LongStream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The naming rule of shard directories: safe names that fit a file name (and the journal's limit),
 * and that distinct shards never share, even on a file system that ignores case, whatever their
 * topics and names hold: 65,535-byte MQTT topics, names that differ only past the readable prefix
 * or only by case, names made of characters that must be escaped.
 */
class ShardNamesTest
{
    private static final Pattern SAFE = Pattern.compile("[A-Za-z0-9._%-]{1," + ShardNames.MAX_LENGTH + "}");
    private static final int MQTT_MAX_TOPIC_BYTES = 65_535;

    static LongStream seeds()
    {
        return Seeds.stream(20);
    }

    /**
     * A topic name of one of the shapes that stress the rule.
     */
    private static String topicName(final Random random, final String shared)
    {
        return switch (random.nextInt(8))
        {
            case 0 -> kafkaName(random, 1 + random.nextInt(249));
            case 1 -> shared + kafkaName(random, 1 + random.nextInt(3));
            case 2 -> flipCase(random, shared);
            case 3 -> anyCharacters(random, 1 + random.nextInt(300));
            case 4 -> escapedOnly(random, 1 + random.nextInt(100));
            case 5 -> ofUtf8Bytes(random, MQTT_MAX_TOPIC_BYTES);
            case 6 -> random.nextBoolean() ? "." : "..";
            default -> "sensors/" + random.nextInt(1000) + "/temp";
        };
    }

    private static String kafkaName(final Random random, final int length)
    {
        final String alphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-";
        final StringBuilder name = new StringBuilder(length);
        for (int i = 0; i < length; i++)
        {
            name.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return name.toString();
    }

    private static String flipCase(final Random random, final String text)
    {
        final StringBuilder flipped = new StringBuilder(text);
        final int at = random.nextInt(text.length());
        final char c = text.charAt(at);
        flipped.setCharAt(at, Character.isUpperCase(c) ? Character.toLowerCase(c) : Character.toUpperCase(c));
        return flipped.toString();
    }

    private static String anyCharacters(final Random random, final int codePoints)
    {
        final StringBuilder name = new StringBuilder();
        for (int i = 0; i < codePoints; i++)
        {
            int codePoint = random.nextInt(4) == 0 ? random.nextInt(0x80) : random.nextInt(0x10FFFF);
            if (codePoint >= 0xD800 && codePoint <= 0xDFFF)
            {
                codePoint = '%';
            }
            name.appendCodePoint(codePoint);
        }
        return name.toString();
    }

    private static String escapedOnly(final Random random, final int length)
    {
        final String alphabet = "%./\\:*?\"<>| $#+\u00e9\u00c9\u0130\u0131\u212a\u00df";
        final StringBuilder name = new StringBuilder(length);
        for (int i = 0; i < length; i++)
        {
            name.append(alphabet.charAt(random.nextInt(alphabet.length())));
        }
        return name.toString();
    }

    private static String ofUtf8Bytes(final Random random, final int bytes)
    {
        final StringBuilder name = new StringBuilder(bytes);
        int left = bytes;
        while (left > 0)
        {
            if (left >= 3 && random.nextInt(3) == 0)
            {
                name.append('\u20ac');
                left -= 3;
            }
            else
            {
                name.append((char)('a' + random.nextInt(26)));
                left--;
            }
        }
        return name.toString();
    }

    private static void assertSafe(final String directory)
    {
        assertTrue(SAFE.matcher(directory).matches(), directory);
        assertTrue(directory.getBytes(StandardCharsets.UTF_8).length <= 255, directory);
        assertFalse(directory.equals(".") || directory.equals(".."), directory);
    }

    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void distinctShardsNeverShareADirectoryEvenIgnoringCase(final long seed)
    {
        final Random random = new Random(seed);
        final String shared = kafkaName(random, ShardNames.READABLE_PREFIX_MAX + random.nextInt(200));
        final Map<String, String> byFoldedName = new HashMap<>();
        final List<String> topics = new ArrayList<>();
        for (int topic = 0; topic < 300; topic++)
        {
            final String name = topics.isEmpty() || random.nextInt(4) > 0 ? topicName(random, shared) :
                topics.get(random.nextInt(topics.size()));
            topics.add(name);
            final UUID id = new UUID(random.nextLong(), random.nextLong());
            final int partitions = 1 + random.nextInt(4);
            for (int p = 0; p < partitions; p++)
            {
                final int partition = random.nextInt(10) == 0 ? Integer.MAX_VALUE - p : p;
                final String directory = ShardNames.topicDirectory(name, id, partition);
                assertSafe(directory);
                final String identity = "topic " + id + " partition " + partition + " (" + name.length() + " chars)";
                final String clash = byFoldedName.put(directory.toLowerCase(Locale.ROOT), identity);
                assertNull(clash, "seed " + seed + ": " + identity + " and " + clash + " share " + directory);
            }
        }
        final List<String> owners = List.of("mqtt", "kafka", "amqp", "a", "a-b", StorageAdapter.KERNEL_OWNER, "M.Q");
        for (int shard = 0; shard < 2000; shard++)
        {
            final String owner = owners.get(random.nextInt(owners.size()));
            final String name = switch (random.nextInt(4))
            {
                case 0 -> kafkaName(random, 1 + random.nextInt(60));
                case 1 -> escapedOnly(random, 1 + random.nextInt(50));
                case 2 -> flipCase(random, "$mqtt-sessions-" + random.nextInt(5));
                default -> anyCharacters(random, 1 + random.nextInt(20));
            };
            final String directory;
            try
            {
                directory = ShardNames.privateDirectory(owner, name);
            }
            catch (final IllegalArgumentException tooLong)
            {
                assertTrue(escapedLength(name) > ShardNames.PRIVATE_NAME_MAX, name);
                continue;
            }
            assertSafe(directory);
            final String identity = "private " + owner + "/" + name;
            final String clash = byFoldedName.put(directory.toLowerCase(Locale.ROOT), identity);
            assertTrue(clash == null || clash.equals(identity), "seed " + seed + ": " + identity + " and " + clash +
                " share " + directory);
        }
    }

    private static int escapedLength(final String name)
    {
        int length = 0;
        for (final byte b : name.getBytes(StandardCharsets.UTF_8))
        {
            length += (b >= 'a' && b <= 'z') || (b >= '0' && b <= '9') || b == '-' || b == '_' ? 1 : 3;
        }
        return length;
    }

    @Test
    void aTopicShardsDirectoryReadsAsItsTopicThenItsIdAndPartition()
    {
        final UUID id = UUID.fromString("4B1F2C1E-5A7D-3C9E-8F10-2A6B9E3D7C55");
        assertEquals("t.sensors%2F1%2Ftemp.4b1f2c1e-5a7d-3c9e-8f10-2a6b9e3d7c55.0",
            ShardNames.topicDirectory("sensors/1/temp", id, 0));
        assertEquals("t.Orders.4b1f2c1e-5a7d-3c9e-8f10-2a6b9e3d7c55.12", ShardNames.topicDirectory("Orders", id, 12),
            "letters keep their case in the prefix, a hint only");
        assertEquals("t.%2E%2E.4b1f2c1e-5a7d-3c9e-8f10-2a6b9e3d7c55.0", ShardNames.topicDirectory("..", id, 0));
        final String kafkaLongest = "k".repeat(249);
        assertEquals("t." + "k".repeat(ShardNames.READABLE_PREFIX_MAX) + ".4b1f2c1e-5a7d-3c9e-8f10-2a6b9e3d7c55.3",
            ShardNames.topicDirectory(kafkaLongest, id, 3), "capped");
        assertEquals("t." + "x".repeat(ShardNames.READABLE_PREFIX_MAX - 2) + ".4b1f2c1e-5a7d-3c9e-8f10-2a6b9e3d7c55.0",
            ShardNames.topicDirectory("x".repeat(ShardNames.READABLE_PREFIX_MAX - 2) + "/", id, 0),
            "an escape that does not fit is left out whole");
        assertThrows(IllegalArgumentException.class, () -> ShardNames.topicDirectory("t", id, -1));
    }

    @Test
    void aPrivateShardsDirectoryIsItsOwnerAndNameEscapedReversibly()
    {
        assertEquals("p.mqtt.%24mqtt-sessions-3", ShardNames.privateDirectory("mqtt", "$mqtt-sessions-3"));
        assertEquals("p.%24kernel.cursors", ShardNames.privateDirectory(StorageAdapter.KERNEL_OWNER, "cursors"));
        assertEquals("p.mqtt.%4Fffsets", ShardNames.privateDirectory("mqtt", "Offsets"), "upper case is escaped");
        assertEquals("p.a.b%2Ec", ShardNames.privateDirectory("a", "b.c"));
        assertEquals("p.a%2Eb.c", ShardNames.privateDirectory("a.b", "c"), "a dot inside is never the separator");
        assertThrows(IllegalArgumentException.class, () -> ShardNames.privateDirectory("mqtt", ""));
        assertThrows(IllegalArgumentException.class, () -> ShardNames.privateDirectory("", "x"));
    }

    @Test
    void anEarlierVersionsNamesDecodeAsTheyWereWritten()
    {
        assertEquals("$mqtt-sessions-3", ShardNames.legacyDecode("%24mqtt-sessions-3"));
        assertEquals("orders/0", ShardNames.legacyDecode("orders%2F0"));
        assertEquals("caf\u00e9.x", ShardNames.legacyDecode("caf%C3%A9.x"));
    }
}
