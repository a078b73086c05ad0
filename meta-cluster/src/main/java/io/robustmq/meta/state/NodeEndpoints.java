package io.robustmq.meta.state;

import java.util.Map;
import java.util.TreeMap;

/**
 * A node's endpoints as the log and snapshots carry them: {@code name=host:port} pairs separated by
 * commas, e.g. {@code kafka.tcp=10.0.0.7:9092,mqtt.tcp=10.0.0.7:1883}. A name is a plugin's name and
 * one of its listeners' ({@code plugin.listener}); a host may be a name, an IPv4 address, or an IPv6
 * address in brackets.
 */
public final class NodeEndpoints
{
    private NodeEndpoints()
    {
    }

    /**
     * @param endpoints name to {@code host:port}.
     * @return the encoded form, sorted by name.
     * @throws IllegalArgumentException if a name or address cannot be encoded.
     */
    public static String format(final Map<String, String> endpoints)
    {
        final StringBuilder out = new StringBuilder();
        for (final Map.Entry<String, String> endpoint : new TreeMap<>(endpoints).entrySet())
        {
            final String name = endpoint.getKey();
            final String address = endpoint.getValue();
            if (!validName(name) || !validAddress(address))
            {
                throw new IllegalArgumentException("not an endpoint: " + name + "=" + address);
            }
            out.append(out.length() == 0 ? "" : ",").append(name).append('=').append(address);
        }
        return out.toString();
    }

    /**
     * @param encoded as {@link #format} writes it; empty for none.
     * @return name to {@code host:port}, sorted by name.
     * @throws IllegalArgumentException if it is malformed.
     */
    public static Map<String, String> parse(final String encoded)
    {
        final TreeMap<String, String> endpoints = new TreeMap<>();
        if (encoded.isEmpty())
        {
            return endpoints;
        }
        for (final String pair : encoded.split(",", -1))
        {
            final int equals = pair.indexOf('=');
            final String name = equals < 0 ? "" : pair.substring(0, equals);
            final String address = equals < 0 ? "" : pair.substring(equals + 1);
            if (!validName(name) || !validAddress(address) || endpoints.put(name, address) != null)
            {
                throw new IllegalArgumentException("not an endpoint: '" + pair + "'");
            }
        }
        return endpoints;
    }

    private static boolean validName(final String name)
    {
        final int dot = name.indexOf('.');
        if (dot <= 0 || dot == name.length() - 1 || name.indexOf('.', dot + 1) >= 0)
        {
            return false;
        }
        for (int i = 0; i < name.length(); i++)
        {
            final char c = name.charAt(i);
            if (!(c >= 'a' && c <= 'z' || c >= '0' && c <= '9' || c == '_' || c == '-' || c == '.'))
            {
                return false;
            }
        }
        return true;
    }

    private static boolean validAddress(final String address)
    {
        final int colon = address.lastIndexOf(':');
        if (colon <= 0 || colon == address.length() - 1)
        {
            return false;
        }
        final String host = address.substring(0, colon);
        if (host.indexOf(',') >= 0 || host.indexOf('=') >= 0 || host.indexOf(' ') >= 0 ||
            host.indexOf(':') >= 0 && !(host.startsWith("[") && host.endsWith("]")))
        {
            return false;
        }
        try
        {
            final int port = Integer.parseInt(address.substring(colon + 1));
            return port > 0 && port <= 65535;
        }
        catch (final NumberFormatException ex)
        {
            return false;
        }
    }
}
