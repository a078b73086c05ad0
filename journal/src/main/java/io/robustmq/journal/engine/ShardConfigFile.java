package io.robustmq.journal.engine;

import io.robustmq.journal.Durability;
import io.robustmq.journal.JournalException;
import io.robustmq.journal.ShardConfig;

import io.robustmq.journal.fs.FileLayer;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.Reader;
import java.io.StringWriter;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Properties;

/**
 * A shard's settings, kept beside its segments in {@code shard.properties} so the shard reopens
 * as it was created.
 */
final class ShardConfigFile
{
    static final String FILE_NAME = "shard.properties";

    private ShardConfigFile()
    {
    }

    static void write(final FileLayer layer, final Path dir, final ShardConfig config)
    {
        final Properties properties = new Properties();
        properties.setProperty("segment_bytes", Integer.toString(config.segmentBytes()));
        properties.setProperty("index_interval_bytes", Integer.toString(config.indexIntervalBytes()));
        properties.setProperty("durability", config.durability().label());
        properties.setProperty("flush_interval_ms", Long.toString(config.flushIntervalMs()));
        properties.setProperty("retention_bytes", Long.toString(config.retentionBytes()));
        properties.setProperty("retention_ms", Long.toString(config.retentionMs()));
        try
        {
            final StringWriter out = new StringWriter();
            properties.store(out, "RobustMQ journal shard");
            layer.writeDurably(dir.resolve(FILE_NAME), ByteBuffer.wrap(out.toString().getBytes(StandardCharsets.UTF_8)));
        }
        catch (final IOException ex)
        {
            throw new JournalException("cannot write " + dir.resolve(FILE_NAME) + ": " + ex.getMessage(), ex);
        }
    }

    static ShardConfig read(final FileLayer layer, final Path dir)
    {
        final Path file = dir.resolve(FILE_NAME);
        final Properties properties = new Properties();
        try (Reader in = new InputStreamReader(new ByteArrayInputStream(layer.readAll(file)), StandardCharsets.UTF_8))
        {
            properties.load(in);
            return new ShardConfig(
                Integer.parseInt(required(properties, "segment_bytes")),
                Integer.parseInt(required(properties, "index_interval_bytes")),
                Durability.fromLabel(required(properties, "durability")),
                Long.parseLong(required(properties, "flush_interval_ms")),
                Long.parseLong(required(properties, "retention_bytes")),
                Long.parseLong(required(properties, "retention_ms")));
        }
        catch (final IOException | IllegalArgumentException ex)
        {
            throw new JournalException("cannot read shard settings " + file + ": " + ex.getMessage(), ex);
        }
    }

    static boolean exists(final FileLayer layer, final Path dir)
    {
        return layer.isRegularFile(dir.resolve(FILE_NAME));
    }

    private static String required(final Properties properties, final String key)
    {
        final String value = properties.getProperty(key);
        if (value == null)
        {
            throw new IllegalArgumentException("missing " + key);
        }
        return value.trim();
    }
}
