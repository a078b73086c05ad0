package io.robustmq.kernel.meta;

import io.robustmq.kernel.status.ListenerStatus;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Where other nodes tell clients to reach this node's listeners: {@code plugin.listener} to
 * {@code host:port}. The host is {@code network.advertised_host} when set; else the listener's bound
 * address, unless it is bound to every interface, when it is this machine's host name.
 */
public final class AdvertisedEndpoints
{
    private AdvertisedEndpoints()
    {
    }

    /**
     * @param listeners      the node's bound listeners.
     * @param advertisedHost {@code network.advertised_host}, empty when not set.
     * @return the endpoints, by name.
     */
    public static Map<String, String> of(final List<ListenerStatus> listeners, final String advertisedHost)
    {
        final Map<String, String> endpoints = new TreeMap<>();
        for (final ListenerStatus listener : listeners)
        {
            final String host = advertisedHost.isEmpty() ? reachableHost(listener.host()) : advertisedHost;
            endpoints.put(listener.plugin() + "." + listener.name(),
                (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + listener.port());
        }
        return endpoints;
    }

    private static String reachableHost(final String boundHost)
    {
        if (!boundHost.equals("0.0.0.0") && !boundHost.equals("::") && !boundHost.equals("0:0:0:0:0:0:0:0"))
        {
            return boundHost;
        }
        try
        {
            return InetAddress.getLocalHost().getHostName();
        }
        catch (final UnknownHostException ex)
        {
            return InetAddress.getLoopbackAddress().getHostAddress();
        }
    }
}
