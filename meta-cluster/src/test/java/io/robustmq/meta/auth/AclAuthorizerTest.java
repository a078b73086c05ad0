package io.robustmq.meta.auth;

import io.robustmq.meta.codecs.AclOperationCode;
import io.robustmq.meta.codecs.AclPatternCode;
import io.robustmq.meta.codecs.AclPermissionCode;
import io.robustmq.meta.codecs.AclResourceCode;
import org.junit.jupiter.api.Test;

import java.util.List;

import static io.robustmq.meta.codecs.AclOperationCode.READ;
import static io.robustmq.meta.codecs.AclOperationCode.WRITE;
import static io.robustmq.meta.codecs.AclResourceCode.GROUP;
import static io.robustmq.meta.codecs.AclResourceCode.TOPIC;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AclAuthorizerTest
{
    private static AclRule rule(
        final String principal, final AclPatternCode pattern, final String name, final AclOperationCode op,
        final AclPermissionCode permission)
    {
        return new AclRule(principal, AclResourceCode.TOPIC, pattern, name, op, permission);
    }

    @Test
    void denyWinsAllowPermitsAndUncoveredResourcesFollowTheSetting()
    {
        final List<AclRule> rules = List.of(
            rule("alice", AclPatternCode.PREFIXED, "orders.", READ, AclPermissionCode.ALLOW),
            rule("*", AclPatternCode.LITERAL, "orders.secret", AclOperationCode.ALL, AclPermissionCode.DENY),
            rule("bob", AclPatternCode.LITERAL, "*", AclOperationCode.ALL, AclPermissionCode.ALLOW));

        assertTrue(AclAuthorizer.allowed(rules, false, "alice", "", READ, TOPIC, "orders.eu"));
        assertFalse(AclAuthorizer.allowed(rules, false, "alice", "", WRITE, TOPIC, "orders.eu"), "only READ was granted");
        assertFalse(AclAuthorizer.allowed(rules, true, "alice", "", READ, TOPIC, "orders.secret"), "DENY wins");
        assertFalse(AclAuthorizer.allowed(rules, true, "bob", "", WRITE, TOPIC, "orders.secret"), "DENY * covers bob");
        assertTrue(AclAuthorizer.allowed(rules, false, "bob", "", WRITE, TOPIC, "anything"), "literal * is every name");
        assertFalse(AclAuthorizer.allowed(rules, true, "carol", "", READ, TOPIC, "orders.eu"),
            "covered by a rule that is not carol's: refused even when uncovered resources are allowed");
        assertTrue(AclAuthorizer.allowed(rules, true, "carol", "", READ, GROUP, "billing"), "no GROUP rule: the setting");
        assertFalse(AclAuthorizer.allowed(rules, false, "carol", "", READ, GROUP, "billing"));
    }

    @Test
    void patternsPutInTheUserAndTheClientId()
    {
        final List<AclRule> rules = List.of(
            rule("*", AclPatternCode.PREFIXED, "devices/%c/", AclOperationCode.ALL, AclPermissionCode.ALLOW),
            rule("*", AclPatternCode.LITERAL, "users/%u/inbox", READ, AclPermissionCode.ALLOW));
        assertTrue(AclAuthorizer.allowed(rules, false, "", "sensor-1", WRITE, TOPIC, "devices/sensor-1/temp"));
        assertFalse(AclAuthorizer.allowed(rules, false, "", "sensor-2", WRITE, TOPIC, "devices/sensor-1/temp"),
            "another client's subtree");
        assertTrue(AclAuthorizer.allowed(rules, false, "alice", "c", READ, TOPIC, "users/alice/inbox"));
        assertFalse(AclAuthorizer.allowed(rules, false, "", "c", READ, TOPIC, "users//inbox"),
            "%u does not cover an anonymous client");
    }
}
