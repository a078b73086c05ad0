package io.robustmq.plugin.amqp;

import io.netty.channel.ChannelPipeline;
import io.robustmq.plugin.amqp.connection.AmqpConnection;
import io.robustmq.plugin.amqp.connection.LoginCheck;
import io.robustmq.plugin.api.ListenerConfig;
import io.robustmq.plugin.api.ListenerSpec;
import io.robustmq.plugin.api.PluginContext;
import io.robustmq.plugin.api.ProtocolPlugin;
import io.robustmq.plugin.api.Transport;

import java.util.ArrayList;
import java.util.List;

/**
 * AMQP 0-9-1 on one node: its listeners (TCP 5672; TLS 5671 when given a certificate) and the
 * pipeline of each connection.
 */
final class AmqpPlugin implements ProtocolPlugin
{
    private final AmqpSettings settings;
    private final List<ListenerSpec> listeners;
    private final LoginCheck logins;

    AmqpPlugin(final PluginContext context)
    {
        this.settings = AmqpSettings.read(context.config());
        final List<ListenerSpec> specs = new ArrayList<>();
        ListenerConfig.read(context, new ListenerConfig.Defaults("tcp", Transport.TCP, 5672, true, null, null))
            .ifPresent(specs::add);
        ListenerConfig.read(context, new ListenerConfig.Defaults("tls", Transport.TLS, 5671, false, null, null))
            .ifPresent(specs::add);
        this.listeners = List.copyOf(specs);
        this.logins = new LoginCheck(context.metadata(), settings.guest(), settings.maxPendingPasswordChecks());
    }

    @Override
    public List<ListenerSpec> listeners()
    {
        return listeners;
    }

    @Override
    public void initChannel(final ChannelPipeline pipeline, final ListenerSpec listener)
    {
        pipeline.addLast("amqp", new AmqpConnection(settings, logins).decoder());
    }

    @Override
    public void close()
    {
        logins.close();
    }
}
