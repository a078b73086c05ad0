package io.robustmq.plugin.amqp;

import io.robustmq.plugin.api.PluginContext;
import io.robustmq.plugin.api.ProtocolPlugin;
import io.robustmq.plugin.api.ProtocolPluginFactory;

/**
 * The AMQP 0-9-1 protocol plugin, found by the kernel in {@code plugins/}.
 */
public final class AmqpPluginFactory implements ProtocolPluginFactory
{
    /** The plugin's name, and its configuration section {@code [plugins.amqp]}. */
    public static final String NAME = "amqp";

    @Override
    public String name()
    {
        return NAME;
    }

    @Override
    public ProtocolPlugin create(final PluginContext context)
    {
        return new AmqpPlugin(context);
    }
}
