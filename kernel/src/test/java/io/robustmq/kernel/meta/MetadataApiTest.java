package io.robustmq.kernel.meta;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.robustmq.kernel.support.EchoPluginJar;
import io.robustmq.kernel.support.TestNode;
import io.robustmq.plugin.api.metadata.AclOperation;
import io.robustmq.plugin.api.metadata.AclPattern;
import io.robustmq.plugin.api.metadata.AclPermission;
import io.robustmq.plugin.api.metadata.AclResource;
import io.robustmq.plugin.api.metadata.AclRuleInfo;
import io.robustmq.plugin.api.metadata.GroupInfo;
import io.robustmq.plugin.api.metadata.Metadata;
import io.robustmq.plugin.api.metadata.MetadataException;
import io.robustmq.plugin.api.metadata.NodeInfo;
import io.robustmq.plugin.api.metadata.ShardInfo;
import io.robustmq.plugin.api.metadata.TopicInfo;
import io.robustmq.plugin.api.metadata.TopicSpec;
import io.robustmq.plugin.api.metadata.Watch;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The metadata a plugin sees ({@link Metadata}: reads, writes, watches, groups, passwords, ACL
 * decisions) and the admin routes for users, ACLs, groups and cluster settings, on one node started
 * for the class with the echo plugin in its metadata-probe mode.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class MetadataApiTest
{
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final HttpClient HTTP = HttpClient.newHttpClient();

    @TempDir
    static Path temp;
    private TestNode node;
    private Metadata metadata;

    @BeforeAll
    void startNode() throws Exception
    {
        EchoPluginJar.build(temp.resolve("plugins"), "echo", "echo-plugin.jar");
        node = TestNode.start(temp, """
            [plugins.echo]
            metadata_probe = true
            [plugins.echo.listeners.tcp]
            enabled = true
            """);
        metadata = node.node().metaService().metadata();
    }

    @AfterAll
    void stopNode()
    {
        node.close();
    }

    private HttpResponse<String> send(final String method, final String path, final String body) throws Exception
    {
        return HTTP.send(HttpRequest.newBuilder(URI.create(node.adminUrl() + path))
            .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
            .build(), HttpResponse.BodyHandlers.ofString());
    }

    private static <T> T next(final LinkedBlockingQueue<T> events) throws InterruptedException
    {
        final T event = events.poll(10, TimeUnit.SECONDS);
        assertTrue(event != null, "a watch event within 10 s");
        return event;
    }

    @Test
    void aPluginCreatesATopicFromItsOwnClassLoaderAndLearnsItsShardLeader() throws Exception
    {
        try (Socket socket = new Socket("127.0.0.1", node.port("echo", "tcp")))
        {
            socket.setSoTimeout(10_000);
            final BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                StandardCharsets.UTF_8));
            socket.getOutputStream().write("probe/topic".getBytes(StandardCharsets.UTF_8));
            assertEquals("2 1", in.readLine(), "two partitions, shard 0 led by node 1");
            socket.getOutputStream().write("probe/topic".getBytes(StandardCharsets.UTF_8));
            assertEquals("error ALREADY_EXISTS", in.readLine());
        }
        final JsonNode topic = JSON.readTree(send("GET", "/v1/topics/probe%2Ftopic", null).body());
        assertEquals(2, topic.get("shards").size());
        assertEquals(1, topic.get("shards").get(1).get("leader").asInt());
        assertEquals("[1]", topic.get("shards").get(1).get("replicas").toString());
    }

    @Test
    void watchesSeeTopicsAppearAndGoAndWritesAreVisibleWhenTheyComplete() throws Exception
    {
        final LinkedBlockingQueue<Optional<TopicInfo>> topicEvents = new LinkedBlockingQueue<>();
        final LinkedBlockingQueue<Optional<ShardInfo>> shardEvents = new LinkedBlockingQueue<>();
        final LinkedBlockingQueue<List<NodeInfo>> nodeEvents = new LinkedBlockingQueue<>();
        try (Watch topicWatch = metadata.watchTopic("watched", topicEvents::add);
            Watch shardWatch = metadata.watchShard("watched", 2, shardEvents::add);
            Watch nodeWatch = metadata.watchNodes(nodeEvents::add))
        {
            assertEquals(Optional.empty(), next(topicEvents), "told the state now: no such topic");
            assertEquals(Optional.empty(), next(shardEvents));
            assertEquals(List.of(new NodeInfo(1, node.adminUrl(), true,
                java.util.Map.of("echo.tcp", "127.0.0.1:" + node.port("echo", "tcp")))), next(nodeEvents),
                "the node, with where its listener is reached");

            final TopicInfo created = metadata.createTopic(new TopicSpec("watched", 3, "memory", "none", 1000, 0))
                .toCompletableFuture().get(30, TimeUnit.SECONDS);
            assertEquals(created, metadata.topic("watched").orElseThrow(), "readable as soon as the write completes");
            assertEquals("memory", created.storage());
            assertEquals(Optional.of(created), next(topicEvents));
            assertEquals(Optional.of(new ShardInfo("watched", 2, List.of(1), 1, 0)), next(shardEvents));

            final CompletionException refused = assertThrows(CompletionException.class,
                () -> metadata.createTopic(TopicSpec.of("watched", 1)).toCompletableFuture().join());
            assertEquals(MetadataException.Reason.ALREADY_EXISTS,
                assertInstanceOf(MetadataException.class, refused.getCause()).reason());
            final CompletionException invalid = assertThrows(CompletionException.class,
                () -> metadata.createTopic(TopicSpec.of("bad", 0)).toCompletableFuture().join());
            assertEquals(MetadataException.Reason.INVALID, ((MetadataException)invalid.getCause()).reason());
            final CompletionException badLeader = assertThrows(CompletionException.class,
                () -> metadata.createTopic(TopicSpec.of("bad", 1).withPreferredLeader(-2)).toCompletableFuture()
                    .join());
            assertEquals(MetadataException.Reason.INVALID, ((MetadataException)badLeader.getCause()).reason(),
                "the preferred leader reaches the Meta Service");
            assertEquals(List.of(new ShardInfo("local", 0, List.of(1), 1, 0)), metadata.createTopic(
                TopicSpec.of("local", 1).withPreferredLeader(1)).thenApply(info -> metadata.shards("local"))
                .toCompletableFuture().get(30, TimeUnit.SECONDS), "led by the node it asked for");
            metadata.deleteTopic("local").toCompletableFuture().get(30, TimeUnit.SECONDS);

            metadata.deleteTopic("watched").toCompletableFuture().get(30, TimeUnit.SECONDS);
            assertEquals(Optional.empty(), metadata.topic("watched"));
            assertEquals(Optional.empty(), next(topicEvents));
            assertEquals(Optional.empty(), next(shardEvents));
            assertTrue(nodeEvents.isEmpty(), "heartbeats alone do not fire a membership watch: " + nodeEvents);
        }
    }

    @Test
    void consumerGroupsAreRegisteredOncePerProtocol() throws Exception
    {
        assertEquals(new GroupInfo("billing", "kafka"),
            metadata.registerGroup("billing", "kafka").toCompletableFuture().get(30, TimeUnit.SECONDS));
        assertEquals(new GroupInfo("billing", "kafka"),
            metadata.registerGroup("billing", "kafka").toCompletableFuture().get(30, TimeUnit.SECONDS));
        final CompletionException taken = assertThrows(CompletionException.class,
            () -> metadata.registerGroup("billing", "amqp").toCompletableFuture().join());
        assertEquals(MetadataException.Reason.ALREADY_EXISTS, ((MetadataException)taken.getCause()).reason());
        final JsonNode groups = JSON.readTree(send("GET", "/v1/groups", null).body()).get("groups");
        assertEquals("billing", groups.get(0).get("name").asText());
        assertEquals("kafka", groups.get(0).get("protocol").asText());
        metadata.deleteGroup("billing").toCompletableFuture().get(30, TimeUnit.SECONDS);
        assertEquals(Optional.empty(), metadata.group("billing"));
    }

    /**
     * A command larger than the Meta Service takes (a group named with 200,000 characters) is
     * refused INVALID, and the client goes on: before, Aeron's exception ended the client's thread,
     * and with it every later write and the node's heartbeats. A group named with 20,000 characters
     * (a Kafka client may send one) reaches the cluster, which refuses it INVALID, naming the group
     * in a few hundred characters: the answer must fit in one message to the client.
     */
    @Test
    void aCommandTooLargeToSendIsRefusedAndTheNextOnesGoThrough() throws Exception
    {
        final CompletionException tooLarge = assertThrows(CompletionException.class,
            () -> metadata.registerGroup("g".repeat(200_000), "kafka").toCompletableFuture().join());
        assertEquals(MetadataException.Reason.INVALID, ((MetadataException)tooLarge.getCause()).reason());
        assertTrue(tooLarge.getCause().getMessage().contains("more than the Meta Service takes"),
            tooLarge.getCause().getMessage());
        final CompletionException tooLong = assertThrows(CompletionException.class,
            () -> metadata.registerGroup("g".repeat(20_000), "kafka").toCompletableFuture().join());
        assertEquals(MetadataException.Reason.INVALID, ((MetadataException)tooLong.getCause()).reason());
        assertTrue(tooLong.getCause().getMessage().endsWith("... (20006 characters)"), tooLong.getCause().getMessage());
        assertEquals(new GroupInfo("after-too-large", "kafka"),
            metadata.registerGroup("after-too-large", "kafka").toCompletableFuture().get(30, TimeUnit.SECONDS));
        metadata.deleteGroup("after-too-large").toCompletableFuture().get(30, TimeUnit.SECONDS);
    }

    @Test
    void usersAreSetThroughTheAdminApiAndCheckedWithoutStoringThePassword() throws Exception
    {
        final HttpResponse<String> created = send("POST", "/v1/users", "{\"name\": \"alice\", \"password\": \"s3cret\"}");
        assertEquals(201, created.statusCode(), created.body());
        assertTrue(metadata.checkPassword("alice", "s3cret".toCharArray()));
        assertFalse(metadata.checkPassword("alice", "s3cre".toCharArray()));
        assertFalse(metadata.checkPassword("nobody", "s3cret".toCharArray()));
        assertEquals(32, metadata.scramCredential("alice", "SCRAM-SHA-256").orElseThrow().storedKey().length);
        assertEquals(64, metadata.scramCredential("alice", "SCRAM-SHA-512").orElseThrow().serverKey().length);

        assertEquals(200, send("POST", "/v1/users", "{\"name\": \"alice\", \"password\": \"n3w\"}").statusCode());
        assertTrue(metadata.checkPassword("alice", "n3w".toCharArray()), "the password was replaced");
        final String listed = send("GET", "/v1/users", null).body();
        assertEquals("{\"users\":[{\"name\":\"alice\",\"mechanisms\":[\"SCRAM-SHA-256\",\"SCRAM-SHA-512\"]}]}", listed);
        assertFalse(listed.contains("n3w"));

        assertBad("POST", "/v1/users", "{\"name\": \"bob\"}", "field 'password' is required");
        assertBad("POST", "/v1/users", "{\"name\": \"bob\", \"password\": \"x\", \"role\": \"admin\"}",
            "unknown field 'role'");
        assertEquals(204, send("DELETE", "/v1/users/alice", null).statusCode());
        assertEquals(404, send("DELETE", "/v1/users/alice", null).statusCode());
        assertFalse(metadata.checkPassword("alice", "n3w".toCharArray()));
    }

    @Test
    void passwordDerivationsBeyondTheQueueAreRefusedWith503AndTheRestAreStored() throws Exception
    {
        final int requests = 80;
        final List<java.util.concurrent.CompletableFuture<HttpResponse<String>>> sent = new java.util.ArrayList<>();
        for (int i = 0; i < requests; i++)
        {
            sent.add(HTTP.sendAsync(HttpRequest.newBuilder(URI.create(node.adminUrl() + "/v1/users"))
                .POST(HttpRequest.BodyPublishers.ofString("{\"name\": \"flood-" + i + "\", \"password\": \"p\"}"))
                .build(), HttpResponse.BodyHandlers.ofString()));
        }
        int stored = 0;
        int busy = 0;
        for (int i = 0; i < requests; i++)
        {
            final HttpResponse<String> response = sent.get(i).get(60, TimeUnit.SECONDS);
            if (response.statusCode() == 201)
            {
                stored++;
                assertTrue(metadata.checkPassword("flood-" + i, "p".toCharArray()), "flood-" + i + " stored");
            }
            else
            {
                assertEquals(503, response.statusCode(), response.body());
                assertTrue(response.body().contains("busy: 16 password derivations are already waiting"),
                    response.body());
                busy++;
                assertFalse(metadata.checkPassword("flood-" + i, "p".toCharArray()), "flood-" + i + " not stored");
            }
        }
        System.out.println("MetadataApiTest: " + stored + " users stored, " + busy + " refused (503) of " + requests);
        assertTrue(stored > 0 && busy > 0, stored + " stored, " + busy + " refused");
        for (int i = 0; i < requests; i++)
        {
            send("DELETE", "/v1/users/flood-" + i, null);
        }
    }

    @Test
    void aclRulesAndClusterSettingsDecideRequests() throws Exception
    {
        assertTrue(metadata.allowed("carol", AclOperation.WRITE, AclResource.TOPIC, "orders.eu"),
            "no rule and acl.allow_if_no_rule = true");
        final String rule = "{\"principal\": \"alice\", \"resource_type\": \"topic\", \"pattern_type\": \"prefixed\"," +
            " \"resource_name\": \"orders.\", \"operation\": \"read\", \"permission\": \"allow\"}";
        final HttpResponse<String> added = send("POST", "/v1/acls", rule);
        assertEquals(201, added.statusCode(), added.body());
        assertTrue(metadata.allowed("alice", AclOperation.READ, AclResource.TOPIC, "orders.eu"));
        assertFalse(metadata.allowed("alice", AclOperation.WRITE, AclResource.TOPIC, "orders.eu"));
        assertFalse(metadata.allowed("carol", AclOperation.READ, AclResource.TOPIC, "orders.eu"));
        assertTrue(metadata.allowed("carol", AclOperation.READ, AclResource.GROUP, "g"));

        final HttpResponse<String> strict = send("PUT", "/v1/config/acl.allow_if_no_rule", "{\"value\": \"false\"}");
        assertEquals(200, strict.statusCode(), strict.body());
        assertFalse(metadata.allowed("carol", AclOperation.READ, AclResource.GROUP, "g"));
        assertEquals(Optional.of("false"), metadata.clusterSetting("acl.allow_if_no_rule"));
        assertEquals("false", JSON.readTree(send("GET", "/v1/config", null).body()).get("settings")
            .get("acl.allow_if_no_rule").asText());
        assertEquals(404, send("PUT", "/v1/config/no.such", "{\"value\": \"1\"}").statusCode());
        assertBad("PUT", "/v1/config/replication_factor", "{\"value\": \"0\"}", "does not accept '0'");
        assertEquals(200, send("PUT", "/v1/config/acl.allow_if_no_rule", "{\"value\": \"\"}").statusCode());
        assertEquals(Optional.of("true"), metadata.clusterSetting("acl.allow_if_no_rule"));

        assertEquals(1, JSON.readTree(send("GET", "/v1/acls", null).body()).get("acls").size());
        assertBad("POST", "/v1/acls", rule.replace("\"read\"", "\"fly\""), "field 'operation' is required, one of");
        assertBad("POST", "/v1/acls", rule.replace("\"alice\"", "\"\""), "field 'principal' is required");
        assertEquals(204, send("DELETE", "/v1/acls", rule).statusCode());
        assertEquals(404, send("DELETE", "/v1/acls", rule).statusCode());
        assertTrue(metadata.allowed("carol", AclOperation.READ, AclResource.TOPIC, "orders.eu"));
    }

    @Test
    void aPluginAddsListsAndRemovesAclRules() throws Exception
    {
        final AclRuleInfo deny = new AclRuleInfo("dave", AclResource.TOPIC, AclPattern.PREFIXED, "ledger.",
            AclOperation.WRITE, AclPermission.DENY);
        final AclRuleInfo allow = new AclRuleInfo(AclRuleInfo.WILDCARD, AclResource.TOPIC, AclPattern.LITERAL,
            AclRuleInfo.WILDCARD, AclOperation.ALL, AclPermission.ALLOW);
        metadata.addAcl(deny).toCompletableFuture().get(30, TimeUnit.SECONDS);
        assertTrue(metadata.acls().contains(deny), "listed as soon as the write completes");
        assertFalse(metadata.allowed("dave", AclOperation.WRITE, AclResource.TOPIC, "ledger.eu"), "and enforced");
        metadata.addAcl(allow).toCompletableFuture().get(30, TimeUnit.SECONDS);
        metadata.addAcl(allow).toCompletableFuture().get(30, TimeUnit.SECONDS);
        assertEquals(2, metadata.acls().size(), "a rule added twice is kept once: " + metadata.acls());
        assertFalse(metadata.allowed("dave", AclOperation.WRITE, AclResource.TOPIC, "ledger.eu"), "DENY wins");
        assertTrue(metadata.allowed("dave", AclOperation.READ, AclResource.TOPIC, "ledger.eu"));

        final JsonNode listed = JSON.readTree(send("GET", "/v1/acls", null).body()).get("acls");
        assertEquals(2, listed.size(), listed.toString());
        assertTrue(listed.toString().contains("{\"principal\":\"dave\",\"resource_type\":\"topic\"," +
            "\"pattern_type\":\"prefixed\",\"resource_name\":\"ledger.\",\"operation\":\"write\"," +
            "\"permission\":\"deny\"}"), listed.toString());

        final String tooLong = "x".repeat(250);
        final CompletionException invalid = assertThrows(CompletionException.class, () -> metadata.addAcl(
            new AclRuleInfo("dave", AclResource.GROUP, AclPattern.LITERAL, tooLong, AclOperation.READ,
                AclPermission.ALLOW)).toCompletableFuture().join());
        assertEquals(MetadataException.Reason.INVALID, ((MetadataException)invalid.getCause()).reason());
        assertBad("POST", "/v1/acls", "{\"principal\": \"dave\", \"resource_type\": \"group\", \"resource_name\": \"" +
            tooLong + "\", \"operation\": \"read\", \"permission\": \"allow\"}", "resource name is 1 to 249");

        metadata.removeAcl(deny).toCompletableFuture().get(30, TimeUnit.SECONDS);
        metadata.removeAcl(allow).toCompletableFuture().get(30, TimeUnit.SECONDS);
        assertEquals(List.of(), metadata.acls());
        final CompletionException gone = assertThrows(CompletionException.class,
            () -> metadata.removeAcl(deny).toCompletableFuture().join());
        assertEquals(MetadataException.Reason.NOT_FOUND, ((MetadataException)gone.getCause()).reason());
        assertTrue(metadata.allowed("dave", AclOperation.WRITE, AclResource.TOPIC, "ledger.eu"));
    }

    private void assertBad(final String method, final String path, final String body, final String message)
        throws Exception
    {
        final HttpResponse<String> response = send(method, path, body);
        assertEquals(400, response.statusCode(), response.body());
        assertTrue(response.body().contains(message), response.body());
    }
}
