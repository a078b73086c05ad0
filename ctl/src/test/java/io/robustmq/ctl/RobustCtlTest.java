package io.robustmq.ctl;

import io.robustmq.kernel.support.TestNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.net.ServerSocket;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * robust-ctl against a node started in the test.
 */
class RobustCtlTest
{
    @TempDir
    Path temp;

    private record Run(int status, String out, String err)
    {
    }

    private static Run ctl(final String server, final String... args)
    {
        final StringWriter out = new StringWriter();
        final StringWriter err = new StringWriter();
        final CommandLine commandLine = RobustCtl.commandLine();
        commandLine.setOut(new PrintWriter(out));
        commandLine.setErr(new PrintWriter(err));
        final String[] all = new String[args.length + 2];
        all[0] = "--server";
        all[1] = server;
        System.arraycopy(args, 0, all, 2, args.length);
        return new Run(commandLine.execute(all), out.toString(), err.toString());
    }

    @Test
    void managesTopicsAndReportsTheCluster() throws Exception
    {
        try (TestNode node = TestNode.start(temp, ""))
        {
            final String server = node.adminUrl();
            final Run created = ctl(server, "topics", "create", "sensors/1/temp", "--partitions", "2", "--durability", "always");
            assertEquals(0, created.status(), created.err());
            assertTrue(created.out().startsWith("NAME"), created.out());
            assertTrue(created.out().contains("sensors/1/temp  2           -        always"), created.out());

            final Run again = ctl(server, "topics", "create", "sensors/1/temp");
            assertEquals(RobustCtl.REFUSED, again.status());
            assertEquals("robust-ctl: topic sensors/1/temp exists\n", again.err());

            final Run listed = ctl(server, "-o", "json", "topics", "list");
            assertEquals(0, listed.status());
            assertTrue(listed.out().contains("\"name\" : \"sensors/1/temp\""), listed.out());

            final Run described = ctl(server, "topics", "describe", "sensors/1/temp");
            assertTrue(described.out().contains("partitions: 2\n"), described.out());

            final Run cluster = ctl(server, "cluster", "status");
            assertEquals(0, cluster.status(), cluster.err());
            assertTrue(cluster.out().startsWith("leader 1, term "), cluster.out());
            assertTrue(cluster.out().contains("leader"), cluster.out());

            final Run nodes = ctl(server, "nodes", "list");
            assertTrue(nodes.out().contains(node.adminUrl() + "  up"), nodes.out());

            assertEquals(0, ctl(server, "topics", "delete", "sensors/1/temp").status());
            final Run gone = ctl(server, "topics", "describe", "sensors/1/temp");
            assertEquals(RobustCtl.REFUSED, gone.status());
            assertEquals("robust-ctl: no topic sensors/1/temp\n", gone.err());

            final Run bad = ctl(server, "topics", "create", "x", "--durability", "sometimes");
            assertEquals(RobustCtl.REFUSED, bad.status());
            assertTrue(bad.err().contains("field 'durability' must be one of"), bad.err());
        }
    }

    @Test
    void managesUsersAclRulesAndClusterSettings() throws Exception
    {
        try (TestNode node = TestNode.start(temp, ""))
        {
            final String server = node.adminUrl();
            final Run added = ctl(server, "users", "add", "alice", "--password", "s3cret");
            assertEquals(0, added.status(), added.err());
            assertEquals("stored alice\n", added.out());
            assertTrue(node.node().metaService().metadata().checkPassword("alice", "s3cret".toCharArray()));
            final Run users = ctl(server, "users", "list");
            assertTrue(users.out().contains("alice  SCRAM-SHA-256,SCRAM-SHA-512"), users.out());
            assertFalse(users.out().contains("s3cret"), users.out());
            final Run noPassword = ctl(server, "users", "add", "bob");
            assertEquals(2, noPassword.status(), "a password is required: " + noPassword.err());

            final String[] rule = {"--principal", "alice", "--resource-type", "topic", "--pattern-type", "prefixed",
                "--resource-name", "orders.", "--operation", "read", "--permission", "allow"};
            final Run rulesAdded = ctl(server, concat(new String[]{"acls", "add"}, rule));
            assertEquals(0, rulesAdded.status(), rulesAdded.err());
            final Run rules = ctl(server, "acls", "list");
            assertTrue(rules.out().contains("alice      topic          prefixed      orders.        read       allow"),
                rules.out());
            final Run badRule = ctl(server, "acls", "add", "--principal", "alice", "--resource-type", "queue",
                "--resource-name", "x", "--operation", "read", "--permission", "allow");
            assertEquals(RobustCtl.REFUSED, badRule.status());
            assertTrue(badRule.err().contains("resource_type"), badRule.err());
            assertEquals(0, ctl(server, concat(new String[]{"acls", "delete"}, rule)).status());
            final Run gone = ctl(server, concat(new String[]{"acls", "delete"}, rule));
            assertEquals(RobustCtl.REFUSED, gone.status(), "no such rule any more: " + gone.err());

            final Run set = ctl(server, "config", "set", "acl.allow_if_no_rule", "false");
            assertEquals(0, set.status(), set.err());
            assertEquals("acl.allow_if_no_rule = false\n", set.out());
            assertEquals("false\n", ctl(server, "config", "get", "acl.allow_if_no_rule").out());
            final Run all = ctl(server, "config", "get");
            assertTrue(all.out().contains("acl.allow_if_no_rule  false"), all.out());
            final Run unknown = ctl(server, "config", "get", "no.such.setting");
            assertEquals(RobustCtl.REFUSED, unknown.status());
            assertTrue(unknown.err().startsWith("robust-ctl: no cluster setting 'no.such.setting'"), unknown.err());
            assertEquals(RobustCtl.REFUSED, ctl(server, "config", "set", "replication_factor", "many").status());

            assertEquals("deleted alice\n", ctl(server, "users", "delete", "alice").out());
            assertEquals(RobustCtl.REFUSED, ctl(server, "users", "delete", "alice").status());
        }
    }

    private static String[] concat(final String[] first, final String[] second)
    {
        final String[] all = java.util.Arrays.copyOf(first, first.length + second.length);
        System.arraycopy(second, 0, all, first.length, second.length);
        return all;
    }

    @Test
    void usageErrorsAndAnUnreachableNodeHaveTheirOwnStatus() throws Exception
    {
        assertEquals(2, ctl("http://127.0.0.1:1", "topics").status());
        assertEquals(2, ctl("http://127.0.0.1:1", "topics", "frobnicate").status());
        final int closedPort;
        try (ServerSocket socket = new ServerSocket(0))
        {
            closedPort = socket.getLocalPort();
        }
        final Run unreachable = ctl("http://127.0.0.1:" + closedPort, "topics", "list");
        assertEquals(RobustCtl.UNREACHABLE, unreachable.status());
        assertTrue(unreachable.err().startsWith("robust-ctl: cannot reach http://127.0.0.1:" + closedPort), unreachable.err());
    }
}
