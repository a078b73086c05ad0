package io.robustmq.kernel;

import io.robustmq.kernel.config.ConfigSource;
import io.robustmq.kernel.config.ServerConfig;
import io.robustmq.plugin.api.ConfigurationException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * The node's main: {@code RobustServer [--config FILE]}. Prints one {@code ready: ...} line naming
 * every listener once the node serves; on SIGTERM or SIGINT it stops its components in reverse order
 * and the JVM exits with the signal's status (143 or 130). A node that cannot start prints one line,
 * {@code robustmq: ...}, and exits 1 (2 for a configuration or usage error).
 */
public final class RobustServer
{
    /** The configuration file read when {@code --config} is not given, if it exists. */
    public static final Path DEFAULT_CONFIG = Path.of("config", "server.toml");

    private static final Logger LOG = LoggerFactory.getLogger(RobustServer.class);

    private RobustServer()
    {
    }

    public static void main(final String[] args)
    {
        final int status = run(args, System.out, System.err);
        if (status != 0)
        {
            System.exit(status);
        }
    }

    static int run(final String[] args, final PrintStream out, final PrintStream err)
    {
        Path configFile = null;
        for (int i = 0; i < args.length; i++)
        {
            switch (args[i])
            {
                case "--config" ->
                {
                    if (i + 1 >= args.length)
                    {
                        err.println("robustmq: --config needs a file");
                        return 2;
                    }
                    configFile = Path.of(args[++i]);
                }
                case "--version" ->
                {
                    out.println("robustmq " + BuildInfo.version());
                    return 0;
                }
                case "--help", "-h" ->
                {
                    out.println("usage: robustmq [--config FILE] [--version]");
                    return 0;
                }
                default ->
                {
                    err.println("robustmq: unknown argument '" + args[i] + "' (usage: robustmq [--config FILE])");
                    return 2;
                }
            }
        }
        if (configFile == null && Files.exists(DEFAULT_CONFIG))
        {
            configFile = DEFAULT_CONFIG;
        }

        final RobustNode node;
        try
        {
            final ServerConfig config = ServerConfig.read(ConfigSource.load(configFile, System.getenv(), System.getProperties()));
            node = RobustNode.launch(config);
        }
        catch (final ConfigurationException ex)
        {
            err.println("robustmq: configuration error: " + ex.getMessage());
            return 2;
        }
        catch (final NodeStartException ex)
        {
            LOG.debug("start failed", ex);
            err.println("robustmq: failed to start: " + ex.getMessage());
            return ex.getCause() instanceof ConfigurationException ? 2 : 1;
        }

        Runtime.getRuntime().addShutdownHook(new Thread(node::close, "robustmq-shutdown"));
        out.println(node.readyLine());
        out.flush();
        try
        {
            node.awaitClosed();
        }
        catch (final InterruptedException ex)
        {
            Thread.currentThread().interrupt();
            node.close();
        }
        return 0;
    }
}
