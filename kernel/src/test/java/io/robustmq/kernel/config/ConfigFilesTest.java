package io.robustmq.kernel.config;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * config/server.toml and docs/configuration.md stay in step with the keys the kernel reads.
 */
class ConfigFilesTest
{
    private static final Path ROOT = Path.of(System.getProperty("test.projectRoot", "..")).toAbsolutePath();

    @Test
    void theShippedFileHoldsEveryKeyWithItsDefault() throws Exception
    {
        final Path file = ROOT.resolve("config/server.toml");
        final String text = Files.readString(file);
        for (final ConfigKey key : ServerConfig.KEYS)
        {
            final String table = key.name().substring(0, key.name().lastIndexOf('.'));
            final String leaf = key.name().substring(key.name().lastIndexOf('.') + 1);
            final int tableAt = text.indexOf("[" + table + "]");
            assertTrue(tableAt >= 0, "table [" + table + "] in " + file);
            final int nextTable = text.indexOf("\n[", tableAt + 1);
            final String section = text.substring(tableAt, nextTable < 0 ? text.length() : nextTable);
            assertTrue(section.contains("\n" + leaf + " = " + key.defaultValue() + "\n"),
                key.name() + " = " + key.defaultValue() + " in " + file);
        }

        final ServerConfig shipped = ServerConfig.read(ConfigSource.load(file, Map.of(), new Properties()));
        final ServerConfig defaults = ServerConfig.read(ConfigSource.load(null, Map.of(), new Properties()));
        assertEquals(defaults.nodeId(), shipped.nodeId());
        assertEquals(defaults.adminPort(), shipped.adminPort());
        assertEquals(defaults.dataDir(), shipped.dataDir());
        assertEquals(defaults.webSocketMaxFrameBytes(), shipped.webSocketMaxFrameBytes());
    }

    @Test
    void theReferenceDocumentsEveryKey() throws Exception
    {
        final String docs = Files.readString(ROOT.resolve("docs/configuration.md"));
        for (final ConfigKey key : ServerConfig.KEYS)
        {
            assertTrue(docs.contains("`" + key.name() + "`"), key.name() + " in docs/configuration.md");
            assertTrue(docs.contains(key.environmentName()), key.environmentName() + " in docs/configuration.md");
        }
    }
}
