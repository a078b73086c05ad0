package io.robustmq.kernel;

import io.robustmq.kernel.support.EchoPluginJar;
import io.robustmq.kernel.support.TestNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Every way a node can be misconfigured ends the same way: one line naming what is wrong, a
 * non-zero exit, and nothing left running.
 */
class BadConfigurationTest
{
    @TempDir
    Path temp;

    private record Outcome(int status, String out, String err)
    {
        String errLine()
        {
            final String[] lines = err.split("\n");
            assertEquals(1, lines.length, "exactly one line on stderr: " + err);
            return lines[0];
        }
    }

    private Outcome run(final String extraToml) throws Exception
    {
        return runWith(TestNode.writeConfig(temp, extraToml));
    }

    private static Outcome runWith(final Path config)
    {
        final ByteArrayOutputStream out = new ByteArrayOutputStream();
        final ByteArrayOutputStream err = new ByteArrayOutputStream();
        final int status = RobustServer.run(new String[]{"--config", config.toString()},
            new PrintStream(out, true, StandardCharsets.UTF_8), new PrintStream(err, true, StandardCharsets.UTF_8));
        return new Outcome(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    private static void assertFails(final Outcome outcome, final int status, final String... fragments)
    {
        final String line = outcome.errLine();
        assertEquals(status, outcome.status(), line);
        assertTrue(line.startsWith("robustmq: "), line);
        for (final String fragment : fragments)
        {
            assertTrue(line.contains(fragment), "'" + fragment + "' in: " + line);
        }
        assertTrue(!outcome.out().contains("ready"), outcome.out());
    }

    @Test
    void unknownKeyIsNamed() throws Exception
    {
        assertFails(run("admin.prot = 1\n"), 2, "configuration error: admin.prot: unknown key", "server.toml");
    }

    @Test
    void outOfRangeAndMistypedValuesAreNamed() throws Exception
    {
        assertFails(run("admin.max_request_bytes = 10\n"), 2, "admin.max_request_bytes",
            "expected an integer in 1024..16777216, got 10");
        assertFails(run("node.id = \"one\"\n"), 2, "node.id", "expected an integer");
        assertFails(run("network.transport = \"kqueue\"\n"), 2, "network.transport", "expected one of auto, epoll, nio");
    }

    @Test
    void invalidTomlAndMissingFilesAreReported() throws Exception
    {
        final Path broken = Files.writeString(temp.resolve("broken.toml"), "[admin\nport = 1\n");
        assertFails(runWith(broken), 2, "not valid TOML");
        assertFails(runWith(temp.resolve("absent.toml")), 2, "cannot read configuration file");
    }

    @Test
    void adminPortInUseNamesTheCommonServer() throws Exception
    {
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress()))
        {
            final Path config = TestNode.writeConfig(temp, "");
            Files.writeString(config, Files.readString(config).replace("admin.port = 0", "admin.port = " + taken.getLocalPort()));
            assertFails(runWith(config), 1, "failed to start: common-server: admin API: cannot bind 127.0.0.1:" +
                taken.getLocalPort());
        }
    }

    @Test
    void listenerPortInUseNamesTheListenerAndUndoesTheStart() throws Exception
    {
        EchoPluginJar.build(temp.resolve("plugins"), "echo", "echo.jar");
        final int adminPort;
        try (ServerSocket free = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress()))
        {
            adminPort = free.getLocalPort();
        }
        try (ServerSocket taken = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress()))
        {
            final Path config = TestNode.writeConfig(temp, """
                [plugins.echo.listeners.tcp]
                enabled = true
                port = %d
                """.formatted(taken.getLocalPort()));
            Files.writeString(config, Files.readString(config).replace("admin.port = 0", "admin.port = " + adminPort));
            assertFails(runWith(config), 1, "failed to start: message-broker: listener echo/tcp: cannot bind");
        }
        try (ServerSocket admin = new ServerSocket(adminPort, 1, java.net.InetAddress.getLoopbackAddress()))
        {
            assertEquals(adminPort, admin.getLocalPort(), "the admin API was closed when the start failed");
        }
        assertTrue(!Files.exists(temp.resolve("data/pid")), "no pid file for a node that did not start");
    }

    @Test
    void unreadableOrInvalidCertificatesAreNamed() throws Exception
    {
        EchoPluginJar.build(temp.resolve("plugins"), "echo", "echo.jar");
        final Path missing = temp.resolve("missing.pem");
        assertFails(run("""
            [plugins.echo.listeners.tls]
            enabled = true
            tls_cert = "%1$s"
            tls_key = "%1$s"
            """.formatted(missing)), 1, "listener echo/tls: cannot read TLS certificate " + missing);

        final Path garbage = Files.writeString(temp.resolve("garbage.pem"), "not a certificate\n");
        assertFails(run("""
            [plugins.echo.listeners.tls]
            enabled = true
            tls_cert = "%1$s"
            tls_key = "%1$s"
            """.formatted(garbage)), 1, "listener echo/tls: cannot load TLS certificate " + garbage);

        assertFails(run("""
            [plugins.echo.listeners.wss]
            enabled = true
            """), 2, "plugins.echo.listeners.wss.tls_cert: required for a wss listener");
    }

    @Test
    void duplicatePluginNamesNameBothJars() throws Exception
    {
        final Path first = EchoPluginJar.build(temp.resolve("plugins"), "echo", "a-echo.jar");
        final Path second = EchoPluginJar.build(temp.resolve("plugins"), "echo", "b-echo.jar");
        assertFails(run(""), 1, "two plugins are named 'echo'", first.toString(), second.toString());
    }

    @Test
    void twoListenersOnOnePortAreRefused() throws Exception
    {
        EchoPluginJar.build(temp.resolve("plugins"), "echo", "echo.jar");
        EchoPluginJar.build(temp.resolve("plugins"), "echo-two", "echo-two.jar");
        assertFails(run("""
            [plugins.echo.listeners.tcp]
            enabled = true
            port = 47001
            [plugins.echo-two.listeners.tcp]
            enabled = true
            port = 47001
            """), 1, "port 47001 is wanted by two listeners: ",
            " echo/tcp (", "echo-two/tcp (");
    }

    @Test
    void aJarThatFailsToLoadIsNamed() throws Exception
    {
        final Path broken = EchoPluginJar.buildBroken(temp.resolve("plugins"), "broken.jar");
        assertFails(run(""), 1, "failed to start: message-broker: plugin jar " + broken + ": failed to load");

        Files.delete(broken);
        final Path notAPlugin = Files.writeString(temp.resolve("plugins/notes.jar"), "not a zip");
        assertFails(run(""), 1, "plugin jar " + notAPlugin + ": not a valid jar");
    }

    @Test
    void pluginSectionsAreCheckedAgainstThePlugins() throws Exception
    {
        EchoPluginJar.build(temp.resolve("plugins"), "echo", "echo.jar");
        assertFails(run("[plugins.nothere]\nenabled = true\n"), 2, "plugins.nothere: no plugin named 'nothere' is loaded");
        assertFails(run("[plugins.echo]\ncolour = \"red\"\n"), 2, "plugins.echo.colour: unknown key");
        assertFails(run("[plugins.echo.listeners.tcp]\nport = 70000\n"), 2,
            "plugins.echo.listeners.tcp.port", "expected an integer in 0..65535");
    }
}
