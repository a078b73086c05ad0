package io.robustmq.kernel;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Properties;

/**
 * Facts about this build, filtered into {@code build.properties} by Maven.
 */
public final class BuildInfo
{
    private static final String VERSION = load().getProperty("version", "unknown");

    private BuildInfo()
    {
    }

    /**
     * @return the project's version, e.g. {@code 0.1.0-SNAPSHOT}.
     */
    public static String version()
    {
        return VERSION;
    }

    private static Properties load()
    {
        final Properties properties = new Properties();
        try (InputStream in = BuildInfo.class.getResourceAsStream("build.properties"))
        {
            if (in != null)
            {
                properties.load(in);
            }
        }
        catch (final IOException ex)
        {
            throw new UncheckedIOException(ex);
        }
        return properties;
    }
}
