package io.robustmq.kernel;

import io.robustmq.kernel.support.TestNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The node as its own process, as scripts/robust-server runs it: exit codes, the one-line error,
 * the ready line, and a graceful stop on SIGTERM.
 */
class ServerProcessTest
{
    @TempDir
    Path temp;

    private Process start(final Path config) throws Exception
    {
        final List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (final String flag : System.getProperty("test.jvmFlags", "").split("\\s+"))
        {
            if (!flag.isBlank())
            {
                command.add(flag);
            }
        }
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), RobustServer.class.getName(),
            "--config", config.toString()));
        return new ProcessBuilder(command).directory(temp.toFile()).start();
    }

    @Test
    void aBadConfigurationExitsNonZeroWithOneLine() throws Exception
    {
        final Process process = start(TestNode.writeConfig(temp, "admin.prot = 1\n"));
        assertTrue(process.waitFor(60, TimeUnit.SECONDS), "exited");
        final String err = new String(process.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
        assertEquals(2, process.exitValue(), err);
        assertEquals(1, err.lines().count(), err);
        assertTrue(err.startsWith("robustmq: configuration error: admin.prot: unknown key"), err);
    }

    @Test
    void printsReadyAndStopsGracefullyOnSigterm() throws Exception
    {
        final Process process = start(TestNode.writeConfig(temp, ""));
        try
        {
            final BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
            String line;
            do
            {
                line = out.readLine();
            }
            while (line != null && !line.startsWith("ready: "));
            assertTrue(line != null, "a ready line");
            assertTrue(line.matches("ready: node 1; admin http://127\\.0\\.0\\.1:\\d+; no protocol listeners"), line);
            final Path pid = temp.resolve("data/pid");
            assertEquals(Long.toString(process.pid()), Files.readString(pid).trim());

            process.destroy();
            assertTrue(process.waitFor(30, TimeUnit.SECONDS), "stopped on SIGTERM");
            assertEquals(143, process.exitValue(), "the JVM's exit status after SIGTERM");
            assertFalse(Files.exists(pid), "the shutdown ran: pid file removed");
        }
        finally
        {
            process.destroyForcibly();
        }
    }
}
