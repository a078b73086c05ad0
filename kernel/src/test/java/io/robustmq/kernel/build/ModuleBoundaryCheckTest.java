package io.robustmq.kernel.build;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The build's module-boundary check (scripts/build/ModuleBoundaryCheck.java, run by the root pom at
 * validate) passes on this repository and fails, naming the offence, on trees that break the rules.
 */
class ModuleBoundaryCheckTest
{
    private static final Path ROOT = Path.of(System.getProperty("test.projectRoot", "..")).toAbsolutePath();

    @TempDir
    Path fixture;

    private record Result(int status, String output)
    {
    }

    private static Result check(final Path root) throws Exception
    {
        final Process process = new ProcessBuilder(
            Path.of(System.getProperty("java.home"), "bin", "java").toString(),
            ROOT.resolve("scripts/build/ModuleBoundaryCheck.java").toString(),
            root.toString())
            .redirectErrorStream(true)
            .start();
        final String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertTrue(process.waitFor(60, TimeUnit.SECONDS));
        return new Result(process.exitValue(), output);
    }

    private static String pom(final String artifactId, final String modules, final String... dependencies)
    {
        final StringBuilder deps = new StringBuilder();
        for (final String dependency : dependencies)
        {
            final boolean test = dependency.endsWith(":test");
            deps.append("<dependency><groupId>io.robustmq</groupId><artifactId>")
                .append(test ? dependency.substring(0, dependency.length() - ":test".length()) : dependency)
                .append("</artifactId>").append(test ? "<scope>test</scope>" : "").append("</dependency>");
        }
        return "<project><artifactId>" + artifactId + "</artifactId><modules>" + modules + "</modules>" +
            "<dependencies>" + deps + "</dependencies></project>";
    }

    private void write(final String path, final String text) throws Exception
    {
        final Path file = fixture.resolve(path);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }

    private void layOut(final String kernelDependency, final String pluginDependency) throws Exception
    {
        write("pom.xml", pom("parent",
            "<module>plugin-api</module><module>kernel</module><module>plugins</module><module>distribution</module>"));
        write("plugin-api/pom.xml", pom("plugin-api", ""));
        write("kernel/pom.xml", kernelDependency == null ? pom("kernel", "", "plugin-api") :
            pom("kernel", "", "plugin-api", kernelDependency));
        write("plugins/pom.xml", pom("plugins", "<module>mqtt</module>", "plugin-api"));
        write("plugins/mqtt/pom.xml", pluginDependency == null ? pom("plugin-mqtt", "") :
            pom("plugin-mqtt", "", pluginDependency));
        write("distribution/pom.xml", pom("distribution", "", "kernel", "plugin-mqtt"));
    }

    @Test
    void thisRepositoryKeepsItsBoundaries() throws Exception
    {
        final Result result = check(ROOT);
        assertEquals(0, result.status(), result.output());
    }

    @Test
    void aCleanTreePasses() throws Exception
    {
        layOut(null, null);
        final Result result = check(fixture);
        assertEquals(0, result.status(), result.output());
    }

    @Test
    void aPluginDependingOnTheKernelFails() throws Exception
    {
        layOut(null, "kernel");
        final Result result = check(fixture);
        assertEquals(1, result.status(), result.output());
        assertTrue(result.output().contains("plugins/mqtt/pom.xml: plugin-mqtt depends on io.robustmq:kernel"),
            result.output());
    }

    @Test
    void aPluginsTestsMayNotUseTheKernelEither() throws Exception
    {
        layOut(null, "kernel:test");
        final Result byPom = check(fixture);
        assertEquals(1, byPom.status(), byPom.output());
        assertTrue(byPom.output().contains("plugin-mqtt depends on io.robustmq:kernel in its tests"), byPom.output());

        layOut(null, null);
        write("plugins/mqtt/src/test/java/p/NodeTest.java", "package p;\nimport io.robustmq.kernel.RobustNode;\nclass NodeTest {}\n");
        final Result byImport = check(fixture);
        assertEquals(1, byImport.status(), byImport.output());
        assertTrue(byImport.output().contains("plugins/mqtt/src/test/java/p/NodeTest.java:2: uses io.robustmq.kernel"),
            byImport.output());
    }

    @Test
    void theKernelDependingOnAPluginFails() throws Exception
    {
        layOut("plugin-mqtt", null);
        final Result result = check(fixture);
        assertEquals(1, result.status(), result.output());
        assertTrue(result.output().contains("kernel/pom.xml: kernel depends on the plugin io.robustmq:plugin-mqtt"),
            result.output());
    }

    @Test
    void importsAcrossTheBoundaryFail() throws Exception
    {
        layOut(null, null);
        write("plugins/mqtt/src/main/java/p/Sneaky.java", "package p;\nimport io.robustmq.kernel.RobustNode;\nclass Sneaky {}\n");
        write("kernel/src/main/java/k/Sneaky.java", "package k;\nimport io.robustmq.plugin.mqtt.MqttPluginFactory;\nclass Sneaky {}\n");
        write("kernel/src/main/java/k/Fine.java", "package k;\nimport io.robustmq.plugin.api.ProtocolPlugin;\nclass Fine {}\n");
        final Result result = check(fixture);
        assertEquals(1, result.status(), result.output());
        assertTrue(result.output().contains("plugins/mqtt/src/main/java/p/Sneaky.java:2: uses io.robustmq.kernel"),
            result.output());
        assertTrue(result.output().contains("kernel/src/main/java/k/Sneaky.java:2: uses io.robustmq.plugin.mqtt"),
            result.output());
        assertEquals(2, result.output().lines().count(), result.output());
    }
}
