package io.robustmq.plugin.kafka.api;

import io.robustmq.plugin.api.metadata.AclPattern;
import io.robustmq.plugin.api.metadata.AclPermission;
import io.robustmq.plugin.api.metadata.AclResource;
import io.robustmq.plugin.api.metadata.AclRuleInfo;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourceType;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Kafka's bindings and filters over the cluster's rules, without a node: what a filter of each kind
 * selects, and which codes are refused.
 */
class AclBindingsTest
{
    private static final AclRuleInfo LITERAL = rule("alice", AclResource.TOPIC, AclPattern.LITERAL, "orders",
        io.robustmq.plugin.api.metadata.AclOperation.READ, AclPermission.ALLOW);
    private static final AclRuleInfo EVERY_TOPIC = rule("*", AclResource.TOPIC, AclPattern.LITERAL, "*",
        io.robustmq.plugin.api.metadata.AclOperation.ALL, AclPermission.ALLOW);
    private static final AclRuleInfo PREFIX = rule("bob", AclResource.TOPIC, AclPattern.PREFIXED, "ord",
        io.robustmq.plugin.api.metadata.AclOperation.WRITE, AclPermission.DENY);
    private static final AclRuleInfo PER_USER = rule("*", AclResource.GROUP, AclPattern.PREFIXED, "%u-",
        io.robustmq.plugin.api.metadata.AclOperation.READ, AclPermission.ALLOW);
    private static final List<AclRuleInfo> RULES = List.of(LITERAL, EVERY_TOPIC, PREFIX, PER_USER);

    private static AclRuleInfo rule(final String principal, final AclResource resource, final AclPattern pattern,
        final String name, final io.robustmq.plugin.api.metadata.AclOperation operation, final AclPermission permission)
    {
        return new AclRuleInfo(principal, resource, pattern, name, operation, permission);
    }

    private static List<AclRuleInfo> select(final ResourceType type, final String name, final PatternType pattern,
        final String principal, final String host, final AclOperation operation, final AclPermissionType permission)
        throws AclBindings.Refused
    {
        final AclBindings.Filter filter = AclBindings.filter(type.code(), name, pattern.code(), principal, host,
            operation.code(), permission.code());
        return RULES.stream().filter(filter::matches).toList();
    }

    private static List<AclRuleInfo> select(final ResourceType type, final String name, final PatternType pattern)
        throws AclBindings.Refused
    {
        return select(type, name, pattern, null, null, AclOperation.ANY, AclPermissionType.ANY);
    }

    @Test
    void eachPatternTypeOfAFilterSelectsAsKafkaDefinesIt() throws Exception
    {
        assertEquals(RULES, select(ResourceType.ANY, null, PatternType.ANY));
        assertEquals(List.of(LITERAL), select(ResourceType.TOPIC, "orders", PatternType.LITERAL));
        assertEquals(List.of(EVERY_TOPIC), select(ResourceType.TOPIC, "*", PatternType.LITERAL), "the * rule by its name");
        assertEquals(List.of(), select(ResourceType.TOPIC, "orders", PatternType.PREFIXED));
        assertEquals(List.of(PREFIX), select(ResourceType.TOPIC, "ord", PatternType.PREFIXED));
        assertEquals(List.of(PREFIX), select(ResourceType.TOPIC, "ord", PatternType.ANY));
        assertEquals(List.of(LITERAL, EVERY_TOPIC, PREFIX), select(ResourceType.TOPIC, "orders", PatternType.MATCH),
            "the name, the * and the prefix cover orders");
        assertEquals(List.of(EVERY_TOPIC), select(ResourceType.TOPIC, "invoices", PatternType.MATCH));
        assertEquals(List.of(PER_USER), select(ResourceType.GROUP, "%u-readers", PatternType.MATCH),
            "a %u rule's name is matched as written");
        assertEquals(List.of(LITERAL, EVERY_TOPIC, PREFIX), select(ResourceType.TOPIC, null, PatternType.MATCH));
    }

    @Test
    void principalsHostsOperationsAndPermissionsSelectExactly() throws Exception
    {
        assertEquals(List.of(LITERAL), select(ResourceType.ANY, null, PatternType.ANY, "User:alice", "*",
            AclOperation.ANY, AclPermissionType.ANY));
        assertEquals(List.of(EVERY_TOPIC, PER_USER), select(ResourceType.ANY, null, PatternType.ANY, "User:*", null,
            AclOperation.ANY, AclPermissionType.ANY), "User:* is the rules of anyone, not every rule");
        assertEquals(List.of(), select(ResourceType.ANY, null, PatternType.ANY, "Group:alice", null,
            AclOperation.ANY, AclPermissionType.ANY));
        assertEquals(List.of(), select(ResourceType.ANY, null, PatternType.ANY, null, "10.0.0.1",
            AclOperation.ANY, AclPermissionType.ANY));
        assertEquals(List.of(LITERAL, PER_USER), select(ResourceType.ANY, null, PatternType.ANY, null, null,
            AclOperation.READ, AclPermissionType.ANY), "READ does not select a rule for ALL");
        assertEquals(List.of(), select(ResourceType.ANY, null, PatternType.ANY, null, null,
            AclOperation.IDEMPOTENT_WRITE, AclPermissionType.ANY));
        assertEquals(List.of(PREFIX), select(ResourceType.ANY, null, PatternType.ANY, null, null,
            AclOperation.ANY, AclPermissionType.DENY));
        assertEquals(List.of(), select(ResourceType.TRANSACTIONAL_ID, null, PatternType.ANY));
    }

    @Test
    void filtersWithUnknownCodesAreRefused()
    {
        assertThrows(AclBindings.Refused.class, () -> AclBindings.filter(ResourceType.UNKNOWN.code(), null,
            PatternType.ANY.code(), null, null, AclOperation.ANY.code(), AclPermissionType.ANY.code()));
        assertThrows(AclBindings.Refused.class, () -> AclBindings.filter(ResourceType.ANY.code(), null,
            (byte)42, null, null, AclOperation.ANY.code(), AclPermissionType.ANY.code()));
        assertThrows(AclBindings.Refused.class, () -> AclBindings.filter(ResourceType.ANY.code(), null,
            PatternType.ANY.code(), null, null, AclOperation.UNKNOWN.code(), AclPermissionType.ANY.code()));
        assertThrows(AclBindings.Refused.class, () -> AclBindings.filter(ResourceType.ANY.code(), null,
            PatternType.ANY.code(), null, null, AclOperation.ANY.code(), AclPermissionType.UNKNOWN.code()));
    }

    @Test
    void aBindingBecomesARuleAndBack() throws Exception
    {
        final AclRuleInfo rule = AclBindings.rule(ResourceType.GROUP.code(), "billing", PatternType.PREFIXED.code(),
            "User:*", "*", AclOperation.DESCRIBE.code(), AclPermissionType.DENY.code());
        assertEquals(rule("*", AclResource.GROUP, AclPattern.PREFIXED, "billing",
            io.robustmq.plugin.api.metadata.AclOperation.DESCRIBE, AclPermission.DENY), rule);
        assertEquals("User:*", AclBindings.principal(rule));
        assertEquals(ResourceType.GROUP.code(), AclBindings.resourceType(rule.resource()));
        assertEquals(PatternType.PREFIXED.code(), AclBindings.patternType(rule.pattern()));
        assertEquals(AclOperation.DESCRIBE.code(), AclBindings.operation(rule.operation()));
        assertEquals(AclPermissionType.DENY.code(), AclBindings.permission(rule.permission()));
        assertEquals(rule("alice", AclResource.CLUSTER, AclPattern.LITERAL, "kafka-cluster",
            io.robustmq.plugin.api.metadata.AclOperation.ALTER, AclPermission.ALLOW),
            AclBindings.rule(ResourceType.CLUSTER.code(), "kafka-cluster", PatternType.LITERAL.code(), "User:alice",
                "*", AclOperation.ALTER.code(), AclPermissionType.ALLOW.code()));
    }

    @Test
    void bindingsTheRulesCannotHoldAreRefusedSayingWhy()
    {
        assertRefused("pattern type MATCH", ResourceType.TOPIC, "t", PatternType.MATCH, "User:a", "*", AclOperation.READ,
            AclPermissionType.ALLOW);
        assertRefused("pattern type ANY", ResourceType.TOPIC, "t", PatternType.ANY, "User:a", "*", AclOperation.READ,
            AclPermissionType.ALLOW);
        assertRefused("resource type ANY", ResourceType.ANY, "t", PatternType.LITERAL, "User:a", "*", AclOperation.READ,
            AclPermissionType.ALLOW);
        assertRefused("resource type DELEGATION_TOKEN", ResourceType.DELEGATION_TOKEN, "t", PatternType.LITERAL,
            "User:a", "*", AclOperation.READ, AclPermissionType.ALLOW);
        assertRefused("resource type USER", ResourceType.USER, "t", PatternType.LITERAL, "User:a", "*",
            AclOperation.READ, AclPermissionType.ALLOW);
        assertRefused("the resource name is empty", ResourceType.TOPIC, "", PatternType.LITERAL, "User:a", "*",
            AclOperation.READ, AclPermissionType.ALLOW);
        assertRefused("LITERAL name kafka-cluster", ResourceType.CLUSTER, "kafka-", PatternType.PREFIXED, "User:a",
            "*", AclOperation.ALTER, AclPermissionType.ALLOW);
        assertRefused("principal User:", ResourceType.TOPIC, "t", PatternType.LITERAL, "User:", "*",
            AclOperation.READ, AclPermissionType.ALLOW);
        assertRefused("principal alice", ResourceType.TOPIC, "t", PatternType.LITERAL, "alice", "*",
            AclOperation.READ, AclPermissionType.ALLOW);
        assertRefused("host 127.0.0.1", ResourceType.TOPIC, "t", PatternType.LITERAL, "User:a", "127.0.0.1",
            AclOperation.READ, AclPermissionType.ALLOW);
        assertRefused("operation ANY", ResourceType.TOPIC, "t", PatternType.LITERAL, "User:a", "*",
            AclOperation.ANY, AclPermissionType.ALLOW);
        assertRefused("operation DESCRIBE_CONFIGS", ResourceType.TOPIC, "t", PatternType.LITERAL, "User:a", "*",
            AclOperation.DESCRIBE_CONFIGS, AclPermissionType.ALLOW);
        assertRefused("permission type ANY", ResourceType.TOPIC, "t", PatternType.LITERAL, "User:a", "*",
            AclOperation.READ, AclPermissionType.ANY);
    }

    private static void assertRefused(final String reason, final ResourceType type, final String name,
        final PatternType pattern, final String principal, final String host, final AclOperation operation,
        final AclPermissionType permission)
    {
        final AclBindings.Refused refused = assertThrows(AclBindings.Refused.class, () -> AclBindings.rule(type.code(),
            name, pattern.code(), principal, host, operation.code(), permission.code()));
        assertTrue(refused.getMessage().contains(reason), refused.getMessage());
    }
}
