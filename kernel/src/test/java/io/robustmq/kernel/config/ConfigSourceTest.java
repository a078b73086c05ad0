package io.robustmq.kernel.config;

import io.robustmq.plugin.api.ConfigurationException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConfigSourceTest
{
    @TempDir
    Path temp;

    private Path toml(final String text) throws Exception
    {
        return Files.writeString(temp.resolve("server.toml"), text);
    }

    private static Properties properties(final String... pairs)
    {
        final Properties properties = new Properties();
        for (int i = 0; i < pairs.length; i += 2)
        {
            properties.setProperty(pairs[i], pairs[i + 1]);
        }
        return properties;
    }

    @Test
    void aPropertyWinsOverTheEnvironmentWhichWinsOverTheFile() throws Exception
    {
        final Path file = toml("[admin]\nport = 1000\nhost = \"10.0.0.1\"\n[node]\nid = 7\n");
        final Map<String, String> env = Map.of("ROBUSTMQ_ADMIN_PORT", "2000", "ROBUSTMQ_ADMIN_HOST", "10.0.0.2");

        final ServerConfig fromFile = ServerConfig.read(ConfigSource.load(file, Map.of(), new Properties()));
        assertEquals(1000, fromFile.adminPort());
        assertEquals(7, fromFile.nodeId());

        final ServerConfig fromEnv = ServerConfig.read(ConfigSource.load(file, env, new Properties()));
        assertEquals(2000, fromEnv.adminPort());
        assertEquals("10.0.0.2", fromEnv.adminHost());

        final ServerConfig fromProperty = ServerConfig.read(ConfigSource.load(file, env,
            properties("robustmq.admin.port", "3000", "unrelated.property", "x")));
        assertEquals(3000, fromProperty.adminPort());
        assertEquals("10.0.0.2", fromProperty.adminHost());
    }

    @Test
    void defaultsApplyWithoutAFile()
    {
        final ServerConfig config = ServerConfig.read(ConfigSource.load(null, Map.of("PATH", "/bin"), new Properties()));
        assertEquals(1, config.nodeId());
        assertEquals(58080, config.adminPort());
        assertEquals("127.0.0.1", config.adminHost());
        assertEquals(Path.of("./data"), config.dataDir());
        assertEquals("auto", config.networkTransport());
    }

    @Test
    void unknownKeysAreErrorsFromEverySource() throws Exception
    {
        final ConfigurationException inFile = assertThrows(ConfigurationException.class,
            () -> ServerConfig.read(ConfigSource.load(toml("[admin]\nprot = 1\n"), Map.of(), new Properties())));
        assertEquals("admin.prot", inFile.key());

        final ConfigurationException inEnv = assertThrows(ConfigurationException.class,
            () -> ServerConfig.read(ConfigSource.load(null, Map.of("ROBUSTMQ_ADMIN_PROT", "1"), new Properties())));
        assertEquals("ROBUSTMQ_ADMIN_PROT", inEnv.key());

        final ConfigurationException inProperty = assertThrows(ConfigurationException.class,
            () -> ServerConfig.read(ConfigSource.load(null, Map.of(), properties("robustmq.admin.prot", "1"))));
        assertEquals("admin.prot", inProperty.key());
        assertTrue(inProperty.getMessage().contains("-Drobustmq.admin.prot"), inProperty.getMessage());
    }

    @Test
    void badValuesNameTheKeyAndWhereTheValueCameFrom()
    {
        final ConfigurationException ex = assertThrows(ConfigurationException.class,
            () -> ServerConfig.read(ConfigSource.load(null, Map.of("ROBUSTMQ_ADMIN_PORT", "eighty"), new Properties())));
        assertEquals("admin.port: (from environment ROBUSTMQ_ADMIN_PORT) expected an integer in 0..65535, got 'eighty'",
            ex.getMessage());
    }

    @Test
    void pluginSectionsAreLeftToThePluginsAndTrackedPerKey() throws Exception
    {
        final ConfigSource source = ConfigSource.load(
            toml("[plugins.mqtt]\nenabled = false\n[plugins.mqtt.listeners.tcp]\nport = 1884\nsubprotocols = [\"a\", \"b\"]\n"),
            Map.of("ROBUSTMQ_PLUGINS_MQTT_LISTENERS_TCP_HOST", "0.0.0.0"), new Properties());
        ServerConfig.read(source);
        final PluginConfigView mqtt = new PluginConfigView(new ConfigReader(source), "plugins.mqtt");
        assertEquals(1884, mqtt.section("listeners.tcp").getInt("port", 1883, 0, 65535));
        assertEquals("0.0.0.0", mqtt.section("listeners.tcp").getString("host", ""));
        assertTrue(mqtt.isSet("enabled"));
        assertEquals(List.of(new ConfigSource.UnknownKey("plugins.mqtt.enabled", source.fileName()),
                new ConfigSource.UnknownKey("plugins.mqtt.listeners.tcp.subprotocols", source.fileName())),
            source.unknownKeys("plugins.mqtt."));
        assertEquals(false, mqtt.getBoolean("enabled", true));
    }

    @Test
    void metaAddrsListTheMembersThisNodeIncluded() throws Exception
    {
        final ServerConfig fromFile = ServerConfig.read(ConfigSource.load(
            toml("node.id = 2\nmeta.addrs = [\"1=127.0.0.1:58090\", \"2=127.0.0.1:58100\", \"3=10.0.0.3:58110\"]\n"),
            Map.of(), new Properties()));
        assertEquals(List.of(new io.robustmq.meta.cluster.MetaClusterMember.Context.Member(1, "127.0.0.1", 58090),
            new io.robustmq.meta.cluster.MetaClusterMember.Context.Member(2, "127.0.0.1", 58100), new io.robustmq.meta.cluster.MetaClusterMember.Context.Member(3, "10.0.0.3", 58110)),
            fromFile.metaMembers());
        final ServerConfig fromEnv = ServerConfig.read(ConfigSource.load(null,
            Map.of("ROBUSTMQ_META_ADDRS", "1=localhost:58090, 2=localhost:58100"), new Properties()));
        assertEquals(2, fromEnv.metaMembers().size());
        assertEquals(List.of(), ServerConfig.read(ConfigSource.load(null, Map.of(), new Properties())).metaMembers());

        final ConfigurationException missingSelf = assertThrows(ConfigurationException.class, () -> ServerConfig.read(
            ConfigSource.load(null, Map.of("ROBUSTMQ_META_ADDRS", "2=localhost:58100,3=localhost:58110"), new Properties())));
        assertEquals("meta.addrs: does not list this node, 1", missingSelf.getMessage());
        final ConfigurationException malformed = assertThrows(ConfigurationException.class, () -> ServerConfig.read(
            ConfigSource.load(null, Map.of("ROBUSTMQ_META_ADDRS", "1=localhost"), new Properties())));
        assertTrue(malformed.getMessage().startsWith("meta.addrs: expected distinct"), malformed.getMessage());
        final ConfigurationException duplicate = assertThrows(ConfigurationException.class, () -> ServerConfig.read(
            ConfigSource.load(null, Map.of("ROBUSTMQ_META_ADDRS", "1=a:1,1=b:2"), new Properties())));
        assertTrue(duplicate.getMessage().contains("'1=b:2'"), duplicate.getMessage());
    }

    @Test
    void metaIdleStrategyIsReadFromEverySourceAndRefusedWhenItIsNoStrategy() throws Exception
    {
        assertEquals(io.robustmq.meta.cluster.MetaIdleStrategy.DEFAULT,
            ServerConfig.read(ConfigSource.load(null, Map.of(), new Properties())).metaIdleStrategy());
        final ServerConfig fromFile = ServerConfig.read(ConfigSource.load(
            toml("[meta]\nidle_strategy = \"sleeping:250us\"\n"), Map.of(), new Properties()));
        assertEquals(io.robustmq.meta.cluster.MetaIdleStrategy.parse("sleeping:250us"), fromFile.metaIdleStrategy());
        final ServerConfig fromEnv = ServerConfig.read(ConfigSource.load(null,
            Map.of("ROBUSTMQ_META_IDLE_STRATEGY", "busy"), new Properties()));
        assertEquals(io.robustmq.meta.cluster.MetaIdleStrategy.Kind.BUSY, fromEnv.metaIdleStrategy().kind());
        final ServerConfig fromProperty = ServerConfig.read(ConfigSource.load(null, Map.of(),
            properties("robustmq.meta.idle_strategy", "backoff:100us")));
        assertEquals("backoff:100us", fromProperty.metaIdleStrategy().toString());

        final ConfigurationException unknown = assertThrows(ConfigurationException.class, () -> ServerConfig.read(
            ConfigSource.load(null, Map.of("ROBUSTMQ_META_IDLE_STRATEGY", "spinning"), new Properties())));
        assertEquals("meta.idle_strategy", unknown.key());
        assertTrue(unknown.getMessage().startsWith("meta.idle_strategy: (from environment ROBUSTMQ_META_IDLE_STRATEGY) " +
            "expected backoff[:<period>], sleeping[:<period>], yielding or busy"), unknown.getMessage());
        assertTrue(unknown.getMessage().endsWith("got 'spinning'"), unknown.getMessage());
        final ConfigurationException badPeriod = assertThrows(ConfigurationException.class, () -> ServerConfig.read(
            ConfigSource.load(toml("meta.idle_strategy = \"backoff:5s\"\n"), Map.of(), new Properties())));
        assertEquals("meta.idle_strategy", badPeriod.key());
        assertTrue(badPeriod.getMessage().contains("'backoff:5s'"), badPeriod.getMessage());
        final ConfigurationException notAString = assertThrows(ConfigurationException.class, () -> ServerConfig.read(
            ConfigSource.load(toml("meta.idle_strategy = 3\n"), Map.of(), new Properties())));
        assertEquals("meta.idle_strategy", notAString.key());
    }

    @Test
    void environmentNamesFollowTheKey()
    {
        assertEquals("ROBUSTMQ_ADMIN_PORT", ConfigSource.environmentName("admin.port"));
        assertEquals("ROBUSTMQ_PLUGINS_ECHO_TWO_LISTENERS_WS_WS_PATH",
            ConfigSource.environmentName("plugins.echo-two.listeners.ws.ws_path"));
    }
}
