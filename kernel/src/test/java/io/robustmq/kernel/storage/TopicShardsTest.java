package io.robustmq.kernel.storage;

import io.netty.buffer.Unpooled;
import io.robustmq.kernel.support.Clients;
import io.robustmq.kernel.support.TestNode;
import io.robustmq.meta.cluster.MetaClient;
import io.robustmq.meta.codecs.ResultCode;
import io.robustmq.plugin.api.metadata.Metadata;
import io.robustmq.plugin.api.metadata.ShardInfo;
import io.robustmq.plugin.api.metadata.TopicChange;
import io.robustmq.plugin.api.metadata.TopicInfo;
import io.robustmq.plugin.api.metadata.TopicSpec;
import io.robustmq.plugin.api.storage.AppendCallback;
import io.robustmq.plugin.api.storage.BatchFormat;
import io.robustmq.plugin.api.storage.NoSuchShardException;
import io.robustmq.plugin.api.storage.Shard;
import io.robustmq.plugin.api.storage.ShardId;
import io.robustmq.plugin.api.storage.Shards;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * A topic's shards as the Meta Service places them, on a real node (its embedded Meta Service, its
 * journal): opened by (topic, partition), stored as the topic asks with the node's {@code [storage]}
 * for what it leaves open, appended to only where this node leads them.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(120)
class TopicShardsTest
{
    @TempDir
    static Path temp;
    private TestNode node;
    private Metadata metadata;
    private Shards shards;
    private int callbackId;
    private final AtomicLong correlations = new AtomicLong();
    private final Map<Long, CompletableFuture<Long>> acks = new ConcurrentHashMap<>();

    @BeforeAll
    void startNode() throws Exception
    {
        node = TestNode.start(temp, """
            meta.node_timeout_ms = 3000
            [storage]
            durability = "interval"
            retention_ms = 86400000
            [storage.topics."metrics/*"]
            engine = "memory"
            """);
        metadata = node.node().metaService().metadata();
        shards = node.node().storage().forKernel();
        callbackId = shards.register(new AppendCallback()
        {
            @Override
            public void onAppended(final long correlationId, final long baseOffset)
            {
                ack(correlationId).complete(baseOffset);
            }

            @Override
            public void onFailed(final long correlationId, final int reason)
            {
                ack(correlationId).completeExceptionally(new AssertionError("append failed: " + reason));
            }
        });
    }

    @AfterAll
    void stopNode()
    {
        node.close();
    }

    private CompletableFuture<Long> ack(final long correlationId)
    {
        return acks.computeIfAbsent(correlationId, id -> new CompletableFuture<>());
    }

    private TopicInfo create(final TopicSpec spec) throws Exception
    {
        return metadata.createTopic(spec).toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    /**
     * @return the append's result, and the correlation id its outcome is told under ({@link #ack}).
     */
    private long[] append(final Shard shard, final String payload)
    {
        final long correlationId = correlations.incrementAndGet();
        final int result = shard.append(Unpooled.copiedBuffer(payload, StandardCharsets.UTF_8), 1,
            System.currentTimeMillis(), BatchFormat.RAW, callbackId, correlationId);
        return new long[]{result, correlationId};
    }

    private long appendStored(final Shard shard, final String payload) throws Exception
    {
        final long[] sent = append(shard, payload);
        assertEquals(Shard.SUBMITTED, sent[0]);
        return ack(sent[1]).get(10, TimeUnit.SECONDS);
    }

    private static JournalShardAdapter journal(final Shard shard)
    {
        return (JournalShardAdapter)shard;
    }

    @Test
    void aTopicsOwnSettingsComeBeforeTheNodesDefaults() throws Exception
    {
        final TopicInfo payments = create(new TopicSpec("payments", 1, "", "always", 5000, 1 << 20));
        final Shard always = shards.open("payments", 0);
        assertEquals("journal", always.engine());
        assertEquals("always", always.durability(), "the topic's, although the node's default is interval");
        assertEquals(5000, journal(always).journalShard().config().retentionMs());
        assertEquals(1 << 20, journal(always).journalShard().config().retentionBytes());
        assertEquals("payments-0", always.name());
        assertEquals(0, appendStored(always, "paid"));

        final Shard segmented = shards.open(create(new TopicSpec("segmented", 1, "", "", 0, 0, 2 << 20)).name(), 0);
        assertEquals(2 << 20, journal(segmented).journalShard().config().segmentBytes(), "the topic's segment size");
        final Shard plain = shards.open(create(TopicSpec.of("plain", 2)).name(), 1);
        assertEquals("interval", plain.durability(), "the node's default for what the topic leaves empty");
        assertEquals(86_400_000L, journal(plain).journalShard().config().retentionMs());

        assertEquals("memory", shards.open(create(new TopicSpec("fast", 1, "memory", "", 0, 0)).name(), 0).engine());
        assertEquals("memory", shards.open(create(TopicSpec.of("metrics/cpu", 1)).name(), 0).engine(),
            "the node's override for the topic");
        assertEquals("journal", shards.open(create(new TopicSpec("metrics/disk", 1, "journal", "", 0, 0)).name(), 0)
            .engine(), "the topic's own engine before the node's override");

        final Path directory = node.node().storage().journalDirectory()
            .resolve(ShardNames.topicDirectory("payments", payments.id(), 0));
        assertTrue(Files.isDirectory(directory), directory.toString());
        assertEquals(Optional.of(new ShardIdentity.Topic(new ShardId("payments", payments.id(), 0))),
            ShardIdentityFile.read(directory), "the identity is recorded beside the shard's settings");
        assertTrue(shards.list().contains(new ShardId("plain", metadata.topic("plain").orElseThrow().id(), 1)));
        assertEquals(Optional.of(always), shards.find("payments", 0));
        assertEquals(Optional.empty(), shards.find("plain", 0), "not opened here");
    }

    @Test
    void anAlteredTopicGainsShardsAndItsOpenShardsTakeTheNewRetention() throws Exception
    {
        create(new TopicSpec("growing", 1, "journal", "", 5000, 0));
        final Shard first = shards.open("growing", 0);
        assertEquals(5000, journal(first).journalShard().retentionMs());

        final TopicInfo grown = metadata.alterTopic(TopicChange.partitions("growing", 3)).toCompletableFuture()
            .get(30, TimeUnit.SECONDS);
        assertEquals(3, grown.partitions());
        assertEquals(5000, grown.retentionMs(), "left as it was");
        assertEquals(0, appendStored(shards.open("growing", 2), "in a new partition"));

        metadata.alterTopic(TopicChange.retention("growing", 60_000, 1 << 20)).toCompletableFuture()
            .get(30, TimeUnit.SECONDS);
        Clients.await("the open shard follows its topic's new limits", 10_000, () ->
            journal(first).journalShard().retentionMs() == 60_000 &&
            journal(first).journalShard().retentionBytes() == 1 << 20);
        metadata.alterTopic(TopicChange.retention("growing", 0, TopicChange.UNCHANGED)).toCompletableFuture()
            .get(30, TimeUnit.SECONDS);
        Clients.await("0: back to the node's default", 10_000, () ->
            journal(first).journalShard().retentionMs() == 86_400_000L);
        assertEquals(1 << 20, journal(first).journalShard().retentionBytes());

        final TopicInfo resized = metadata.alterTopic(TopicChange.settings("growing", TopicChange.UNCHANGED,
            TopicChange.UNCHANGED, 2 << 20)).toCompletableFuture().get(30, TimeUnit.SECONDS);
        assertEquals(2 << 20, resized.segmentBytes());
        Clients.await("the open shard's new segments take the topic's new size", 10_000, () ->
            journal(first).journalShard().config().segmentBytes() == 2 << 20);
        assertEquals(86_400_000L, journal(first).journalShard().retentionMs(), "left as it was");
        final java.util.concurrent.ExecutionException tooSmall = assertThrows(java.util.concurrent.ExecutionException.class,
            () -> metadata.alterTopic(TopicChange.settings("growing", TopicChange.UNCHANGED, TopicChange.UNCHANGED, 4096))
                .toCompletableFuture().get(30, TimeUnit.SECONDS));
        assertEquals(io.robustmq.plugin.api.metadata.MetadataException.Reason.INVALID,
            ((io.robustmq.plugin.api.metadata.MetadataException)tooSmall.getCause()).reason());

        final java.util.concurrent.ExecutionException fewer = assertThrows(java.util.concurrent.ExecutionException.class,
            () -> metadata.alterTopic(TopicChange.partitions("growing", 2)).toCompletableFuture()
                .get(30, TimeUnit.SECONDS));
        assertEquals(io.robustmq.plugin.api.metadata.MetadataException.Reason.INVALID,
            ((io.robustmq.plugin.api.metadata.MetadataException)fewer.getCause()).reason(), "partitions never go away");
        final java.util.concurrent.ExecutionException missing = assertThrows(
            java.util.concurrent.ExecutionException.class,
            () -> metadata.alterTopic(TopicChange.partitions("no-such-topic", 2)).toCompletableFuture()
                .get(30, TimeUnit.SECONDS));
        assertEquals(io.robustmq.plugin.api.metadata.MetadataException.Reason.NOT_FOUND,
            ((io.robustmq.plugin.api.metadata.MetadataException)missing.getCause()).reason());
    }

    @Test
    void aTopicOrPartitionTheMetaServiceDoesNotKnowIsACheckedFailure() throws Exception
    {
        create(TopicSpec.of("two", 2));
        final NoSuchShardException noTopic = assertThrows(NoSuchShardException.class, () -> shards.open("nope", 0));
        assertEquals("nope", noTopic.topic());
        assertEquals("no topic 'nope'", noTopic.getMessage());
        final NoSuchShardException noPartition = assertThrows(NoSuchShardException.class, () -> shards.open("two", 2));
        assertEquals(2, noPartition.partition());
        assertEquals("topic 'two' has 2 partitions, no partition 2", noPartition.getMessage());
        assertThrows(NoSuchShardException.class, () -> shards.open("two", -1));
        assertEquals(Optional.empty(), shards.find("nope", 0));
        assertEquals(Optional.empty(), shards.find("two", -1));
    }

    @Test
    void aTopicDeletedAndCreatedAgainGetsAShardOfItsOwn() throws Exception
    {
        final TopicInfo first = create(TopicSpec.of("again", 1));
        final Shard old = shards.open("again", 0);
        assertEquals(0, appendStored(old, "first life"));
        metadata.deleteTopic("again").toCompletableFuture().get(30, TimeUnit.SECONDS);
        Clients.await("the deleted topic's shard refuses appends", 10_000,
            () -> append(old, "too late")[0] == Shard.NOT_LEADER);
        assertEquals(1, old.nextOffset(), "nothing stored");
        assertEquals(Optional.empty(), shards.find("again", 0));
        final ShardId oldId = new ShardId("again", first.id(), 0);
        assertTrue(shards.list().contains(oldId), "kept until deleted");

        final TopicInfo second = create(TopicSpec.of("again", 1));
        assertNotEquals(first.id(), second.id());
        final Shard fresh = shards.open("again", 0);
        assertNotEquals(old, fresh);
        assertEquals(0, fresh.nextOffset(), "nothing of the first life");
        assertEquals(0, appendStored(fresh, "second life"));
        assertEquals(Shard.NOT_LEADER, append(old, "still too late")[0], "the old shard stays refused");

        final Path oldDirectory = node.node().storage().journalDirectory()
            .resolve(ShardNames.topicDirectory("again", first.id(), 0));
        assertTrue(Files.isDirectory(oldDirectory));
        assertTrue(shards.delete(oldId));
        assertFalse(Files.exists(oldDirectory));
        assertFalse(shards.list().contains(oldId));
        assertTrue(shards.list().contains(new ShardId("again", second.id(), 0)));
        assertFalse(shards.delete(oldId), "gone");

        create(new TopicSpec("again-in-memory", 1, "memory", "", 0, 0));
        final Shard inMemory = shards.open("again-in-memory", 0);
        assertEquals(0, appendStored(inMemory, "kept in memory"));
        metadata.deleteTopic("again-in-memory").toCompletableFuture().get(30, TimeUnit.SECONDS);
        Clients.await("the memory engine follows it too", 10_000,
            () -> append(inMemory, "too late")[0] == Shard.NOT_LEADER);
        assertEquals(1, inMemory.nextOffset(), "nothing stored");
    }

    @Test
    void appendsFollowTheShardsLeaderInTheMetadata() throws Exception
    {
        final MetaClient client = node.node().metaService().client();
        assertEquals(ResultCode.OK, client.setClusterConfig("replication_factor", "2").get(30, TimeUnit.SECONDS).code());
        try
        {
            assertEquals(ResultCode.OK, client.registerNode(2, "http://127.0.0.1:9").get(30, TimeUnit.SECONDS).code(),
                "a second node that never sends a heartbeat");
            Clients.await("node 2 known", 10_000, () -> metadata.nodes().size() == 2);
            create(TopicSpec.of("led", 2));
            final int ledElsewhere = metadata.shard("led", 0).orElseThrow().leader() == 2 ? 0 : 1;
            final ShardInfo before = metadata.shard("led", ledElsewhere).orElseThrow();
            assertEquals(2, before.leader());
            assertEquals(List.of(2, 1), before.replicas());
            assertEquals(1, metadata.shard("led", 1 - ledElsewhere).orElseThrow().leader());

            final Shard elsewhere = shards.open("led", ledElsewhere);
            final long[] refused = append(elsewhere, "not mine");
            assertEquals(Shard.NOT_LEADER, refused[0]);
            assertEquals(0, elsewhere.nextOffset(), "nothing stored");
            assertFalse(ack(refused[1]).isDone(), "no callback for a refused append");
            assertEquals(0, appendStored(shards.open("led", 1 - ledElsewhere), "mine"));

            // Node 2 never heartbeats: once the Meta Service marks it down, its shard passes to node 1.
            Clients.await("leadership moved", 30_000,
                () -> metadata.shard("led", ledElsewhere).orElseThrow().leader() == 1);
            assertTrue(metadata.shard("led", ledElsewhere).orElseThrow().epoch() > before.epoch());
            Clients.await("the watch told the shard", 10_000, () -> journal(elsewhere).leadership().isLeader());
            assertEquals(0, appendStored(elsewhere, "mine now"));
            assertEquals(1, elsewhere.nextOffset());
        }
        finally
        {
            client.setClusterConfig("replication_factor", "1").get(30, TimeUnit.SECONDS);
        }
    }
}
