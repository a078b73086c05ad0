package io.robustmq.plugin.mqtt;

import io.robustmq.plugin.api.PluginContext;
import io.robustmq.plugin.api.ProtocolPlugin;
import io.robustmq.plugin.api.ProtocolPluginFactory;

/**
 * The MQTT protocol plugin, found by the kernel in {@code plugins/}.
 */
public final class MqttPluginFactory implements ProtocolPluginFactory
{
    /** The plugin's name, and its configuration section {@code [plugins.mqtt]}. */
    public static final String NAME = "mqtt";

    @Override
    public String name()
    {
        return NAME;
    }

    @Override
    public ProtocolPlugin create(final PluginContext context)
    {
        return new MqttPlugin(context);
    }
}
