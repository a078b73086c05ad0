package io.robustmq.plugin.mqtt.broker;

import io.netty.handler.codec.mqtt.MqttProperties;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The broker's statistics as retained messages under {@code $SYS/brokers/<node>/}, published
 * every interval (as EMQX names them): {@code version}, {@code uptime} (seconds),
 * {@code clients/connected}, {@code sessions/count}, {@code subscriptions/count},
 * {@code retained/count}, {@code messages/received}, {@code messages/sent} and
 * {@code messages/dropped}. Filters starting with a wildcard do not match them ({@code $} topics);
 * subscribe to {@code $SYS/#}.
 */
public final class SysTopics implements Runnable
{
    private final MqttBroker broker;
    private final String prefix;
    private final String version;
    private final long startedAtMillis;

    /**
     * @param broker  the broker whose statistics to publish.
     * @param nodeId  the node's id, part of the topics.
     * @param version the plugin's version.
     */
    public SysTopics(final MqttBroker broker, final int nodeId, final String version)
    {
        this.broker = broker;
        this.prefix = "$SYS/brokers/" + nodeId + "/";
        this.version = version;
        this.startedAtMillis = broker.now();
    }

    /**
     * @return each topic with its value now, in a fixed order.
     */
    public Map<String, String> values()
    {
        final BrokerStats stats = broker.stats();
        final Map<String, String> values = new LinkedHashMap<>();
        values.put("version", version);
        values.put("uptime", Long.toString((broker.now() - startedAtMillis) / 1000));
        values.put("clients/connected", Long.toString(stats.connectedCount()));
        values.put("sessions/count", Integer.toString(broker.sessions().size()));
        values.put("subscriptions/count", Long.toString(broker.subscriptionCount()));
        values.put("retained/count", Integer.toString(broker.retained().size()));
        values.put("messages/received", Long.toString(stats.receivedCount()));
        values.put("messages/sent", Long.toString(stats.sentCount()));
        values.put("messages/dropped", Long.toString(stats.droppedCount()));
        return values;
    }

    @Override
    public void run()
    {
        for (final Map.Entry<String, String> value : values().entrySet())
        {
            broker.publish(new Message(prefix + value.getKey(), value.getValue().getBytes(StandardCharsets.UTF_8), 0,
                true, MqttProperties.NO_PROPERTIES, 0, ""));
        }
    }
}
