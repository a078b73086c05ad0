package io.robustmq.meta.auth;

import io.robustmq.meta.codecs.AclOperationCode;
import io.robustmq.meta.codecs.AclPatternCode;
import io.robustmq.meta.codecs.AclPermissionCode;
import io.robustmq.meta.codecs.AclResourceCode;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import static io.robustmq.meta.codecs.AclOperationCode.READ;
import static io.robustmq.meta.codecs.AclOperationCode.WRITE;
import static io.robustmq.meta.codecs.AclResourceCode.GROUP;
import static io.robustmq.meta.codecs.AclResourceCode.TOPIC;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class AclIndexTest
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
        final AclIndex strict = new AclIndex(rules, false);
        final AclIndex open = new AclIndex(rules, true);

        assertTrue(strict.allowed("alice", "", READ, TOPIC, "orders.eu"));
        assertFalse(strict.allowed("alice", "", WRITE, TOPIC, "orders.eu"), "only READ was granted");
        assertFalse(open.allowed("alice", "", READ, TOPIC, "orders.secret"), "DENY wins");
        assertFalse(open.allowed("bob", "", WRITE, TOPIC, "orders.secret"), "DENY * covers bob");
        assertTrue(strict.allowed("bob", "", WRITE, TOPIC, "anything"), "literal * is every name");
        assertFalse(open.allowed("carol", "", READ, TOPIC, "orders.eu"),
            "covered by a rule that is not carol's: refused even when uncovered resources are allowed");
        assertTrue(open.allowed("carol", "", READ, GROUP, "billing"), "no GROUP rule: the setting");
        assertFalse(strict.allowed("carol", "", READ, GROUP, "billing"));
    }

    @Test
    void patternsPutInTheUserAndTheClientId()
    {
        final AclIndex index = new AclIndex(List.of(
            rule("*", AclPatternCode.PREFIXED, "devices/%c/", AclOperationCode.ALL, AclPermissionCode.ALLOW),
            rule("*", AclPatternCode.LITERAL, "users/%u/inbox", READ, AclPermissionCode.ALLOW)), false);
        assertTrue(index.allowed("", "sensor-1", WRITE, TOPIC, "devices/sensor-1/temp"));
        assertFalse(index.allowed("", "sensor-2", WRITE, TOPIC, "devices/sensor-1/temp"), "another client's subtree");
        assertTrue(index.allowed("alice", "c", READ, TOPIC, "users/alice/inbox"));
        assertFalse(index.allowed("alice", "c", READ, TOPIC, "users/alice/inbox/more"), "a literal pattern is whole");
        assertFalse(index.allowed("", "c", READ, TOPIC, "users//inbox"), "%u does not cover an anonymous client");
    }

    @Test
    void aUserOrClientIdPutIntoAPatternIsMatchedAsText()
    {
        final AclIndex index = new AclIndex(List.of(
            rule("*", AclPatternCode.LITERAL, "%c", AclOperationCode.ALL, AclPermissionCode.ALLOW),
            rule("*", AclPatternCode.PREFIXED, "home/%u/", AclOperationCode.ALL, AclPermissionCode.ALLOW)), false);
        assertTrue(index.allowed("", "*", READ, TOPIC, "*"), "the topic named * itself");
        assertFalse(index.allowed("", "*", READ, TOPIC, "secret"), "a client named * does not get every topic");
        assertTrue(index.allowed("a%cb", "x", READ, TOPIC, "home/a%cb/inbox"), "the user's name as it is");
        assertFalse(index.allowed("a%cb", "x", READ, TOPIC, "home/axb/inbox"), "not substituted again");
    }

    @Test
    void decidesAsEveryRuleScannedDoesForRandomRulesAndRequests()
    {
        final Random random = new Random(20261207);
        final String[] users = {"", "alice", "bob", "carol"};
        final String[] clients = {"", "c1", "c2"};
        final String[] names = {"a", "ab", "abc", "abd", "b", "a/alice", "a/c1/x", "alice", "c1", "*", "ab/bob/z"};
        final String[] ruleNames = {"a", "ab", "abc", "b", "*", "a/%u", "a/%c/", "%u", "%c", "ab/%u/", "x"};
        for (int round = 0; round < 300; round++)
        {
            final List<AclRule> rules = new ArrayList<>();
            final int count = random.nextInt(12);
            for (int i = 0; i < count; i++)
            {
                rules.add(new AclRule(
                    random.nextInt(3) == 0 ? "*" : users[1 + random.nextInt(users.length - 1)],
                    random.nextBoolean() ? TOPIC : GROUP,
                    random.nextBoolean() ? AclPatternCode.LITERAL : AclPatternCode.PREFIXED,
                    ruleNames[random.nextInt(ruleNames.length)],
                    random.nextInt(3) == 0 ? AclOperationCode.ALL : random.nextBoolean() ? READ : WRITE,
                    random.nextInt(4) == 0 ? AclPermissionCode.DENY : AclPermissionCode.ALLOW));
            }
            final boolean allowIfNoRule = random.nextBoolean();
            final AclIndex index = new AclIndex(rules, allowIfNoRule);
            for (final String user : users)
            {
                for (final String client : clients)
                {
                    for (final String name : names)
                    {
                        for (final AclResourceCode type : new AclResourceCode[] {TOPIC, GROUP})
                        {
                            for (final AclOperationCode op : new AclOperationCode[] {READ, WRITE})
                            {
                                assertEquals(AclReference.allowed(rules, allowIfNoRule, user, client, op, type, name),
                                    index.allowed(user, client, op, type, name),
                                    () -> rules + " user=" + user + " client=" + client + " " + op + " " + type +
                                        " " + name);
                            }
                        }
                    }
                }
            }
        }
    }

    @Test
    void aDecisionAllocatesNothing()
    {
        final List<AclRule> rules = new ArrayList<>();
        for (int i = 0; i < 10_000; i++)
        {
            rules.add(rule("user-" + (i % 100), i % 3 == 0 ? AclPatternCode.PREFIXED : AclPatternCode.LITERAL,
                "topic-" + i, i % 2 == 0 ? READ : WRITE, AclPermissionCode.ALLOW));
        }
        rules.add(rule("*", AclPatternCode.PREFIXED, "devices/%c/", AclOperationCode.ALL, AclPermissionCode.ALLOW));
        rules.add(rule("*", AclPatternCode.LITERAL, "users/%u/inbox", READ, AclPermissionCode.ALLOW));
        rules.add(rule("*", AclPatternCode.LITERAL, "secret", AclOperationCode.ALL, AclPermissionCode.DENY));
        final AclIndex index = new AclIndex(rules, false);
        final String[] names = {"topic-42", "topic-3000x", "devices/c7/temp", "users/user-7/inbox", "secret", "none"};
        final String[] users = {"user-42", "user-7", "user-0"};

        int allowed = 0;
        for (int i = 0; i < 200_000; i++)
        {
            allowed += decide(index, names, users, i);
        }
        final long before = allocatedBytes();
        for (int i = 0; i < 200_000; i++)
        {
            allowed += decide(index, names, users, i);
        }
        final long allocated = allocatedBytes() - before;

        assertTrue(allowed > 0, "some requests allowed");
        assertTrue(allocated < 200_000 / 100, allocated + " bytes allocated for 200,000 decisions");
    }

    private static int decide(final AclIndex index, final String[] names, final String[] users, final int i)
    {
        return index.allowed(users[i % users.length], "c7", i % 2 == 0 ? READ : WRITE, TOPIC, names[i % names.length]) ?
            1 : 0;
    }

    private static long allocatedBytes()
    {
        return ((com.sun.management.ThreadMXBean)ManagementFactory.getThreadMXBean()).getCurrentThreadAllocatedBytes();
    }
}
