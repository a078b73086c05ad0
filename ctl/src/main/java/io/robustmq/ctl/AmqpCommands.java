package io.robustmq.ctl;

import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

import java.util.concurrent.Callable;

/**
 * robust-ctl's AMQP commands: the queues, exchanges and bindings the node's AMQP plugin shows
 * ({@code GET /v1/plugins/amqp/...}).
 */
@Command(name = "amqp", description = "AMQP queues, exchanges and bindings.",
    subcommands = {AmqpCommands.Queues.class, AmqpCommands.Exchanges.class, AmqpCommands.Bindings.class})
final class AmqpCommands extends RobustCtl.Group
{
    @Command(name = "queues", description = "Every queue; the counts are the node's, for queues in use on it.")
    static final class Queues implements Callable<Integer>
    {
        @ParentCommand
        AmqpCommands parent;

        @Override
        public Integer call()
        {
            return parent.ctl.run(api -> api.get("/v1/plugins/amqp/queues"), (out, body) -> Table.print(out,
                body.path("queues"), "name", "durable", "auto_delete", "exclusive", "messages_ready",
                "messages_unacknowledged", "consumers", "arguments"));
        }
    }

    @Command(name = "exchanges", description = "Every exchange, the built-in ones too.")
    static final class Exchanges implements Callable<Integer>
    {
        @ParentCommand
        AmqpCommands parent;

        @Override
        public Integer call()
        {
            return parent.ctl.run(api -> api.get("/v1/plugins/amqp/exchanges"), (out, body) -> Table.print(out,
                body.path("exchanges"), "name", "type", "durable", "auto_delete", "internal", "arguments"));
        }
    }

    @Command(name = "bindings", description = "Every binding.")
    static final class Bindings implements Callable<Integer>
    {
        @ParentCommand
        AmqpCommands parent;

        @Override
        public Integer call()
        {
            return parent.ctl.run(api -> api.get("/v1/plugins/amqp/bindings"), (out, body) -> Table.print(out,
                body.path("bindings"), "source", "destination", "destination_type", "routing_key", "arguments"));
        }
    }
}
