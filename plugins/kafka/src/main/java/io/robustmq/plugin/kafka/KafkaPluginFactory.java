package io.robustmq.plugin.kafka;

import io.robustmq.plugin.api.PluginContext;
import io.robustmq.plugin.api.ProtocolPlugin;
import io.robustmq.plugin.api.ProtocolPluginFactory;

/**
 * The Kafka protocol plugin, found by the kernel in {@code plugins/}.
 */
public final class KafkaPluginFactory implements ProtocolPluginFactory
{
    /** The plugin's name, and its configuration section {@code [plugins.kafka]}. */
    public static final String NAME = "kafka";

    @Override
    public String name()
    {
        return NAME;
    }

    @Override
    public ProtocolPlugin create(final PluginContext context)
    {
        return new KafkaPlugin(context);
    }
}
