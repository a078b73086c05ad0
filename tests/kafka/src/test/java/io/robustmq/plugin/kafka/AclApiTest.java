package io.robustmq.plugin.kafka;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.CreateAclsResult;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.acl.AccessControlEntry;
import org.apache.kafka.common.acl.AccessControlEntryFilter;
import org.apache.kafka.common.acl.AclBinding;
import org.apache.kafka.common.acl.AclBindingFilter;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.errors.ClusterAuthorizationException;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.InvalidRequestException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourcePattern;
import org.apache.kafka.common.resource.ResourcePatternFilter;
import org.apache.kafka.common.resource.ResourceType;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Kafka's ACL APIs with the Admin client over the cluster's rules: bindings created, described
 * through each kind of filter and deleted, seen at the admin API, enforced on a producer over SASL;
 * bindings the rules cannot hold refused with a reason; the APIs themselves guarded by rules on the
 * cluster.
 */
class AclApiTest
{
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path dir;
    private static KafkaNode node;
    private static int saslPort;
    /** Over the plain listener: anonymous, allowed by {@code acl.allow_if_no_rule} while no rule covers the cluster. */
    private static Admin admin;

    @BeforeAll
    static void start() throws Exception
    {
        node = KafkaNode.start(dir, """
            [plugins.kafka.listeners.sasl]
            enabled = true
            port = 0
            """);
        saslPort = node.node().port("kafka", "sasl");
        http("POST", "/v1/users", "{\"name\": \"alice\", \"password\": \"alice-secret\"}");
        http("POST", "/v1/users", "{\"name\": \"bob\", \"password\": \"bob-secret\"}");
        admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, node.bootstrap()));
    }

    @AfterAll
    static void stop()
    {
        if (admin != null)
        {
            admin.close();
        }
        if (node != null)
        {
            node.close();
        }
    }

    /**
     * Every test leaves no rule behind, removed through the admin API (which no rule guards).
     */
    @AfterEach
    void removeEveryRule() throws Exception
    {
        for (final JsonNode rule : adminAcls())
        {
            http("DELETE", "/v1/acls", rule.toString());
        }
        assertEquals(0, adminAcls().size());
    }

    private static String http(final String method, final String path, final String body) throws Exception
    {
        final HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(URI.create(node.node().adminUrl() + path))
            .method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
            .build(), HttpResponse.BodyHandlers.ofString());
        assertEquals(2, response.statusCode() / 100, response.body());
        return response.body();
    }

    private static JsonNode adminAcls() throws Exception
    {
        return JSON.readTree(http("GET", "/v1/acls", null)).get("acls");
    }

    private static Map<String, Object> sasl(final String user, final String password)
    {
        final Map<String, Object> config = new HashMap<>();
        config.put("bootstrap.servers", "127.0.0.1:" + saslPort);
        config.put("security.protocol", "SASL_PLAINTEXT");
        config.put("sasl.mechanism", "PLAIN");
        config.put("sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required username=\"" +
            user + "\" password=\"" + password + "\";");
        return config;
    }

    private static KafkaProducer<String, String> producer(final String user, final String password)
    {
        final Map<String, Object> config = sasl(user, password);
        config.put("key.serializer", StringSerializer.class.getName());
        config.put("value.serializer", StringSerializer.class.getName());
        config.put("max.block.ms", 10_000);
        config.put("delivery.timeout.ms", 10_000);
        config.put("request.timeout.ms", 5_000);
        return new KafkaProducer<>(config);
    }

    private static AclBinding binding(final ResourceType type, final String name, final PatternType pattern,
        final String principal, final AclOperation operation, final AclPermissionType permission)
    {
        return new AclBinding(new ResourcePattern(type, name, pattern),
            new AccessControlEntry(principal, "*", operation, permission));
    }

    private static Set<AclBinding> describe(final Admin client, final AclBindingFilter filter) throws Exception
    {
        return new HashSet<>(client.describeAcls(filter).values().get());
    }

    private static AclBindingFilter resources(final ResourceType type, final String name, final PatternType pattern)
    {
        return new AclBindingFilter(new ResourcePatternFilter(type, name, pattern), AccessControlEntryFilter.ANY);
    }

    private static Throwable failure(final org.apache.kafka.common.KafkaFuture<?> future)
    {
        return assertThrows(ExecutionException.class, future::get).getCause();
    }

    @Test
    void bindingsAreCreatedDescribedThroughEachKindOfFilterAndDeleted() throws Exception
    {
        final AclBinding aliceReads = binding(ResourceType.TOPIC, "acl-orders", PatternType.LITERAL, "User:alice",
            AclOperation.READ, AclPermissionType.ALLOW);
        final AclBinding aliceWrites = binding(ResourceType.TOPIC, "acl-ord", PatternType.PREFIXED, "User:alice",
            AclOperation.WRITE, AclPermissionType.ALLOW);
        final AclBinding anyoneDescribesGroups = binding(ResourceType.GROUP, "*", PatternType.LITERAL, "User:*",
            AclOperation.DESCRIBE, AclPermissionType.ALLOW);
        final AclBinding bobDenied = binding(ResourceType.GROUP, "acl-", PatternType.PREFIXED, "User:bob",
            AclOperation.ALL, AclPermissionType.DENY);
        final Set<AclBinding> all = Set.of(aliceReads, aliceWrites, anyoneDescribesGroups, bobDenied);
        admin.createAcls(all).all().get();
        admin.createAcls(List.of(aliceReads)).all().get();

        assertEquals(all, describe(admin, AclBindingFilter.ANY), "a binding created twice is there once");
        assertEquals(Set.of(aliceReads), describe(admin, resources(ResourceType.TOPIC, "acl-orders", PatternType.LITERAL)));
        assertEquals(Set.of(aliceWrites), describe(admin, resources(ResourceType.TOPIC, "acl-ord", PatternType.PREFIXED)));
        assertEquals(Set.of(aliceReads, aliceWrites), describe(admin, resources(ResourceType.TOPIC, "acl-orders",
            PatternType.MATCH)), "the literal name and the prefix both cover acl-orders");
        assertEquals(Set.of(anyoneDescribesGroups, bobDenied), describe(admin, resources(ResourceType.GROUP, "acl-x",
            PatternType.MATCH)), "the * and the prefix cover group acl-x");
        assertEquals(Set.of(anyoneDescribesGroups), describe(admin, resources(ResourceType.GROUP, "billing",
            PatternType.MATCH)));
        final AclBindingFilter alices = new AclBindingFilter(ResourcePatternFilter.ANY,
            new AccessControlEntryFilter("User:alice", null, AclOperation.ANY, AclPermissionType.ANY));
        assertEquals(Set.of(aliceReads, aliceWrites), describe(admin, alices));
        assertEquals(Set.of(bobDenied), describe(admin, new AclBindingFilter(ResourcePatternFilter.ANY,
            new AccessControlEntryFilter(null, null, AclOperation.ANY, AclPermissionType.DENY))));
        assertEquals(Set.of(aliceReads), describe(admin, new AclBindingFilter(ResourcePatternFilter.ANY,
            new AccessControlEntryFilter(null, "*", AclOperation.READ, AclPermissionType.ANY))));
        assertEquals(Set.of(), describe(admin, new AclBindingFilter(ResourcePatternFilter.ANY,
            new AccessControlEntryFilter(null, "10.0.0.1", AclOperation.ANY, AclPermissionType.ANY))),
            "every rule applies from every host: none is for one host");
        assertEquals(Set.of(), describe(admin, resources(ResourceType.TRANSACTIONAL_ID, null, PatternType.ANY)));

        final JsonNode listed = adminAcls();
        assertEquals(4, listed.size(), listed.toString());
        assertTrue(listed.toString().contains("{\"principal\":\"alice\",\"resource_type\":\"topic\"," +
            "\"pattern_type\":\"literal\",\"resource_name\":\"acl-orders\",\"operation\":\"read\"," +
            "\"permission\":\"allow\"}"), listed.toString());
        assertTrue(listed.toString().contains("{\"principal\":\"*\",\"resource_type\":\"group\"," +
            "\"pattern_type\":\"literal\",\"resource_name\":\"*\",\"operation\":\"describe\"," +
            "\"permission\":\"allow\"}"), listed.toString());

        assertEquals(Set.of(aliceReads, aliceWrites), new HashSet<>(admin.deleteAcls(List.of(alices)).all().get()),
            "DeleteAcls answers the rules it deleted");
        assertEquals(Set.of(anyoneDescribesGroups, bobDenied), describe(admin, AclBindingFilter.ANY));
        assertEquals(2, adminAcls().size());
        assertEquals(Set.of(), new HashSet<>(admin.deleteAcls(List.of(alices)).all().get()), "nothing left to match");
        assertEquals(Set.of(anyoneDescribesGroups, bobDenied),
            new HashSet<>(admin.deleteAcls(List.of(AclBindingFilter.ANY)).all().get()));
        assertEquals(Set.of(), describe(admin, AclBindingFilter.ANY));
    }

    @Test
    void aDenyCreatedThroughTheAdminClientStopsAProducerAndItsDeletionLetsItGoOn() throws Exception
    {
        final String topic = "acl-denied";
        try (KafkaProducer<String, String> bob = producer("bob", "bob-secret"))
        {
            bob.send(new ProducerRecord<>(topic, "before")).get();
        }
        final AclBinding denyBob = binding(ResourceType.TOPIC, topic, PatternType.LITERAL, "User:bob",
            AclOperation.WRITE, AclPermissionType.DENY);
        final AclBinding allowAnyone = binding(ResourceType.TOPIC, topic, PatternType.LITERAL, "User:*",
            AclOperation.ALL, AclPermissionType.ALLOW);
        admin.createAcls(List.of(denyBob, allowAnyone)).all().get();
        try (KafkaProducer<String, String> bob = producer("bob", "bob-secret"))
        {
            final ExecutionException refused = assertThrows(ExecutionException.class, () ->
                bob.send(new ProducerRecord<>(topic, "denied")).get());
            assertInstanceOf(TopicAuthorizationException.class, refused.getCause(), "the DENY wins over User:*");
        }
        try (KafkaProducer<String, String> alice = producer("alice", "alice-secret"))
        {
            alice.send(new ProducerRecord<>(topic, "allowed")).get();
        }
        admin.deleteAcls(List.of(denyBob.toFilter())).all().get();
        try (KafkaProducer<String, String> bob = producer("bob", "bob-secret"))
        {
            bob.send(new ProducerRecord<>(topic, "after")).get();
        }
    }

    @Test
    void bindingsTheRulesCannotHoldAreRefusedWithAReasonAndTheRestAreCreated() throws Exception
    {
        final AclBinding fromOneHost = new AclBinding(new ResourcePattern(ResourceType.TOPIC, "acl-host",
            PatternType.LITERAL), new AccessControlEntry("User:alice", "10.0.0.1", AclOperation.READ,
            AclPermissionType.ALLOW));
        final AclBinding transactional = binding(ResourceType.TRANSACTIONAL_ID, "tx", PatternType.LITERAL,
            "User:alice", AclOperation.WRITE, AclPermissionType.ALLOW);
        final AclBinding notAUser = binding(ResourceType.TOPIC, "acl-group", PatternType.LITERAL, "Group:readers",
            AclOperation.READ, AclPermissionType.ALLOW);
        final AclBinding idempotentWrite = binding(ResourceType.CLUSTER, "kafka-cluster", PatternType.LITERAL,
            "User:alice", AclOperation.IDEMPOTENT_WRITE, AclPermissionType.ALLOW);
        final AclBinding otherCluster = binding(ResourceType.CLUSTER, "elsewhere", PatternType.LITERAL,
            "User:alice", AclOperation.ALTER, AclPermissionType.ALLOW);
        final AclBinding valid = binding(ResourceType.TOPIC, "acl-valid", PatternType.LITERAL, "User:alice",
            AclOperation.READ, AclPermissionType.ALLOW);
        final CreateAclsResult result = admin.createAcls(List.of(fromOneHost, transactional, notAUser,
            idempotentWrite, otherCluster, valid));
        assertReason(result.values().get(fromOneHost), "the host must be *");
        assertReason(result.values().get(transactional), "resource type TRANSACTIONAL_ID");
        assertReason(result.values().get(notAUser), "principal Group:readers");
        assertReason(result.values().get(idempotentWrite), "operation IDEMPOTENT_WRITE");
        assertReason(result.values().get(otherCluster), "kafka-cluster");
        result.values().get(valid).get();
        assertEquals(Set.of(valid), describe(admin, AclBindingFilter.ANY), "the connection served on, and only the " +
            "valid binding was created");
    }

    private static void assertReason(final org.apache.kafka.common.KafkaFuture<Void> creation, final String reason)
    {
        final Throwable refused = failure(creation);
        assertInstanceOf(InvalidRequestException.class, refused);
        assertTrue(refused.getMessage().contains(reason), refused.getMessage());
    }

    @Test
    void theAclApisNeedDescribeOrAlterOnTheCluster() throws Exception
    {
        final AclBinding aliceAdministers = binding(ResourceType.CLUSTER, "kafka-cluster", PatternType.LITERAL,
            "User:alice", AclOperation.ALL, AclPermissionType.ALLOW);
        admin.createAcls(List.of(aliceAdministers)).all().get();
        final AclBinding wanted = binding(ResourceType.TOPIC, "acl-wanted", PatternType.LITERAL, "User:bob",
            AclOperation.READ, AclPermissionType.ALLOW);
        try (Admin bob = Admin.create(sasl("bob", "bob-secret"));
            Admin alice = Admin.create(sasl("alice", "alice-secret")))
        {
            assertInstanceOf(ClusterAuthorizationException.class, failure(bob.describeAcls(AclBindingFilter.ANY).values()));
            assertInstanceOf(ClusterAuthorizationException.class, failure(bob.createAcls(List.of(wanted)).all()));
            assertInstanceOf(ClusterAuthorizationException.class,
                failure(bob.deleteAcls(List.of(AclBindingFilter.ANY)).all()));
            assertInstanceOf(ClusterAuthorizationException.class,
                failure(admin.describeAcls(AclBindingFilter.ANY).values()), "a rule covers the cluster now");

            alice.createAcls(List.of(wanted)).all().get();
            assertEquals(Set.of(aliceAdministers, wanted), describe(alice, AclBindingFilter.ANY));
            alice.deleteAcls(List.of(aliceAdministers.toFilter())).all().get();
        }
        assertEquals(Set.of(wanted), describe(admin, AclBindingFilter.ANY), "no rule covers the cluster again");
    }

    @Test
    void offsetDeleteNeedsDeleteOnTheGroup() throws Exception
    {
        admin.createAcls(List.of(binding(ResourceType.GROUP, "acl-offsets", PatternType.LITERAL, "User:bob",
            AclOperation.DELETE, AclPermissionType.DENY))).all().get();
        try (Admin bob = Admin.create(sasl("bob", "bob-secret")))
        {
            assertInstanceOf(GroupAuthorizationException.class, failure(bob.deleteConsumerGroupOffsets("acl-offsets",
                Set.of(new TopicPartition("acl-orders", 0))).all()));
        }
    }
}
