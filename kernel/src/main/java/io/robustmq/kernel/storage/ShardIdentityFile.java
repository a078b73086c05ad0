package io.robustmq.kernel.storage;

import io.robustmq.plugin.api.storage.ShardId;

import java.io.IOException;
import java.io.Reader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.Optional;
import java.util.Properties;
import java.util.UUID;

/**
 * A shard's identity, kept in {@code identity.properties} beside the journal's
 * {@code shard.properties} in the shard's directory. Written, forced and renamed into place (and
 * the directory and its parent forced) before the journal creates the shard, so a journal shard with settings but no identity was written by a
 * version that had none (see {@link StorageAdapter#adoptLegacy}).
 * <pre>
 *   kind=topic                      kind=private
 *   topic=sensors/1/temp            owner=mqtt
 *   topic_id=4b1f2c1e-...           name=$mqtt-sessions-3
 *   partition=0
 * </pre>
 */
final class ShardIdentityFile
{
    static final String FILE_NAME = "identity.properties";

    private ShardIdentityFile()
    {
    }

    /**
     * @param dir      the shard's directory, created if missing.
     * @param identity what the shard is.
     * @throws UncheckedIOException if it cannot be written.
     */
    static void write(final Path dir, final ShardIdentity identity)
    {
        final Properties properties = new Properties();
        if (identity instanceof ShardIdentity.Topic topic)
        {
            properties.setProperty("kind", "topic");
            properties.setProperty("topic", topic.id().topic());
            properties.setProperty("topic_id", topic.id().topicId().toString());
            properties.setProperty("partition", Integer.toString(topic.id().partition()));
        }
        else if (identity instanceof ShardIdentity.Private owned)
        {
            properties.setProperty("kind", "private");
            properties.setProperty("owner", owned.owner());
            properties.setProperty("name", owned.name());
        }
        final Path temp = dir.resolve(FILE_NAME + ".tmp");
        try
        {
            Files.createDirectories(dir);
            try (Writer out = Files.newBufferedWriter(temp, StandardCharsets.UTF_8))
            {
                properties.store(out, "RobustMQ shard identity");
            }
            try (FileChannel channel = FileChannel.open(temp, StandardOpenOption.WRITE))
            {
                channel.force(true);
            }
            Files.move(temp, dir.resolve(FILE_NAME), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
            force(dir);
            force(dir.getParent());
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException("cannot write " + dir.resolve(FILE_NAME) + ": " + ex.getMessage(), ex);
        }
    }

    /**
     * Make a directory's entries durable: the renamed identity file, or the new shard directory.
     */
    private static void force(final Path dir) throws IOException
    {
        try (FileChannel channel = FileChannel.open(dir, StandardOpenOption.READ))
        {
            channel.force(true);
        }
    }

    /**
     * @param dir a shard's directory.
     * @return its identity, or empty if none is recorded.
     * @throws IllegalStateException if the file is there but cannot be read or makes no sense.
     */
    static Optional<ShardIdentity> read(final Path dir)
    {
        final Path file = dir.resolve(FILE_NAME);
        if (!Files.isRegularFile(file))
        {
            return Optional.empty();
        }
        final Properties properties = new Properties();
        try (Reader in = Files.newBufferedReader(file, StandardCharsets.UTF_8))
        {
            properties.load(in);
            final String kind = required(properties, "kind");
            return Optional.of(switch (kind)
            {
                case "topic" -> new ShardIdentity.Topic(new ShardId(
                    required(properties, "topic"),
                    UUID.fromString(required(properties, "topic_id")),
                    Integer.parseInt(required(properties, "partition"))));
                case "private" -> new ShardIdentity.Private(required(properties, "owner"), required(properties, "name"));
                default -> throw new IllegalArgumentException("unknown kind '" + kind + "'");
            });
        }
        catch (final IOException | IllegalArgumentException ex)
        {
            throw new IllegalStateException("cannot read shard identity " + file + ": " + ex.getMessage(), ex);
        }
    }

    private static String required(final Properties properties, final String key)
    {
        final String value = properties.getProperty(key);
        if (value == null || value.isEmpty())
        {
            throw new IllegalArgumentException("missing " + key);
        }
        return value;
    }
}
