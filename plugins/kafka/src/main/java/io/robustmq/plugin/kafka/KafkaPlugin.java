package io.robustmq.plugin.kafka;

import io.netty.channel.ChannelPipeline;
import io.robustmq.plugin.api.ListenerSpec;
import io.robustmq.plugin.api.ProtocolPlugin;

import java.util.List;

/**
 * The Kafka protocol. Loaded, but it speaks no protocol yet, so it asks for no listener: its own
 * issue adds the listeners and the protocol, and until then no port is opened for it.
 */
final class KafkaPlugin implements ProtocolPlugin
{
    @Override
    public List<ListenerSpec> listeners()
    {
        return List.of();
    }

    @Override
    public void initChannel(final ChannelPipeline pipeline, final ListenerSpec listener)
    {
        throw new IllegalStateException("the kafka plugin binds no listener, yet was given " + listener.name());
    }

    @Override
    public void close()
    {
        // Holds nothing.
    }
}
