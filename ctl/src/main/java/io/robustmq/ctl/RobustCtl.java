package io.robustmq.ctl;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * robust-ctl: the command line over a node's admin HTTP API. Exit status: 0 done; 1 the node
 * refused (its error is printed); 2 a usage error; 3 the node cannot be reached.
 */
@Command(name = "robust-ctl", mixinStandardHelpOptions = true, versionProvider = RobustCtl.Version.class,
    description = "Manage a RobustMQ node or cluster through its admin HTTP API.",
    subcommands = {RobustCtl.ClusterCommand.class, RobustCtl.NodesCommand.class, RobustCtl.TopicsCommand.class,
        AccessCommands.Users.class, AccessCommands.Acls.class, AccessCommands.Config.class, AmqpCommands.class})
public final class RobustCtl implements Runnable
{
    static final int REFUSED = 1;
    static final int UNREACHABLE = 3;

    /** Output formats. */
    enum Output
    {
        table, json
    }

    @Option(names = "--server", defaultValue = "${env:ROBUST_CTL_SERVER:-http://127.0.0.1:58080}",
        description = "The node's admin API (default: $ROBUST_CTL_SERVER, else ${DEFAULT-VALUE}).")
    String server;

    @Option(names = {"-o", "--output"}, defaultValue = "table", description = "table or json (default: ${DEFAULT-VALUE}).")
    Output output;

    @Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run()
    {
        throw new CommandLine.ParameterException(spec.commandLine(), "Missing command: cluster, nodes, topics, users, acls, config or amqp");
    }

    public static void main(final String[] args)
    {
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine()
    {
        return new CommandLine(new RobustCtl()).setCaseInsensitiveEnumValuesAllowed(true);
    }

    /**
     * Run one call: print its answer as JSON or as a table, or its error.
     */
    int run(final Call call, final Printer table)
    {
        final PrintWriter out = spec.commandLine().getOut();
        final PrintWriter err = spec.commandLine().getErr();
        final AdminApi.Answer answer;
        try
        {
            answer = call.call(new AdminApi(server));
        }
        catch (final AdminApi.UnreachableException ex)
        {
            err.println("robust-ctl: " + ex.getMessage());
            err.flush();
            return UNREACHABLE;
        }
        if (!answer.ok())
        {
            err.println("robust-ctl: " + answer.error());
            err.flush();
            return REFUSED;
        }
        if (output == Output.json)
        {
            out.println(answer.body().toPrettyString());
            out.flush();
        }
        else
        {
            table.print(out, answer.body());
        }
        return 0;
    }

    @FunctionalInterface
    interface Call
    {
        AdminApi.Answer call(AdminApi api) throws AdminApi.UnreachableException;
    }

    @FunctionalInterface
    interface Printer
    {
        void print(PrintWriter out, JsonNode body);
    }

    /**
     * A command that only groups subcommands: run alone, it is a usage error.
     */
    abstract static class Group implements Runnable
    {
        @Spec
        CommandLine.Model.CommandSpec groupSpec;

        @ParentCommand
        RobustCtl ctl;

        @Override
        public void run()
        {
            throw new CommandLine.ParameterException(groupSpec.commandLine(), "Missing subcommand");
        }
    }

    @Command(name = "cluster", description = "The Meta Service cluster.", subcommands = ClusterCommand.Status.class)
    static final class ClusterCommand extends Group
    {
        @Command(name = "status", description = "Leader, term and members.")
        static final class Status implements Callable<Integer>
        {
            @ParentCommand
            ClusterCommand parent;

            @Override
            public Integer call()
            {
                return parent.ctl.run(api -> api.get("/v1/cluster"), (out, body) ->
                {
                    out.println("leader " + body.path("leader").asText("-") + ", term " + body.path("term").asText());
                    Table.print(out, body.path("members"), "id", "address", "role", "state");
                });
            }
        }
    }

    @Command(name = "nodes", description = "The cluster's nodes.", subcommands = NodesCommand.List.class)
    static final class NodesCommand extends Group
    {
        @Command(name = "list", description = "Every node and whether it is up.")
        static final class List implements Callable<Integer>
        {
            @ParentCommand
            NodesCommand parent;

            @Override
            public Integer call()
            {
                return parent.ctl.run(api -> api.get("/v1/nodes"),
                    (out, body) -> Table.print(out, body.path("nodes"), "id", "address", "state", "last_heartbeat"));
            }
        }
    }

    @Command(name = "topics", description = "Topics.", subcommands = {TopicsCommand.List.class, TopicsCommand.Create.class,
        TopicsCommand.Describe.class, TopicsCommand.Delete.class})
    static final class TopicsCommand extends Group
    {
        private static final String[] COLUMNS =
            {"name", "partitions", "storage", "durability", "retention_ms", "retention_bytes", "id"};

        @Command(name = "list", description = "Every topic.")
        static final class List implements Callable<Integer>
        {
            @ParentCommand
            TopicsCommand parent;

            @Override
            public Integer call()
            {
                return parent.ctl.run(api -> api.get("/v1/topics"),
                    (out, body) -> Table.print(out, body.path("topics"), COLUMNS));
            }
        }

        @Command(name = "create", description = "Create a topic; unset settings take the node's defaults.")
        static final class Create implements Callable<Integer>
        {
            @ParentCommand
            TopicsCommand parent;

            @Parameters(index = "0", description = "The topic's name.")
            String name;

            @Option(names = "--partitions", description = "Shards the topic is spread over (default 1).")
            Integer partitions;

            @Option(names = "--storage", description = "journal or memory.")
            String storage;

            @Option(names = "--durability", description = "none, interval or always.")
            String durability;

            @Option(names = "--retention-ms", description = "Age limit.")
            Long retentionMs;

            @Option(names = "--retention-bytes", description = "Size limit.")
            Long retentionBytes;

            @Override
            public Integer call()
            {
                final Map<String, Object> body = new LinkedHashMap<>();
                body.put("name", name);
                putIfSet(body, "partitions", partitions);
                putIfSet(body, "storage", storage);
                putIfSet(body, "durability", durability);
                putIfSet(body, "retention_ms", retentionMs);
                putIfSet(body, "retention_bytes", retentionBytes);
                return parent.ctl.run(api -> api.post("/v1/topics", body), (out, topic) ->
                    Table.print(out, AdminApi.JSON.createArrayNode().add(topic), COLUMNS));
            }

            private static void putIfSet(final Map<String, Object> body, final String field, final Object value)
            {
                if (value != null)
                {
                    body.put(field, value);
                }
            }
        }

        @Command(name = "describe", description = "One topic.")
        static final class Describe implements Callable<Integer>
        {
            @ParentCommand
            TopicsCommand parent;

            @Parameters(index = "0", description = "The topic's name.")
            String name;

            @Override
            public Integer call()
            {
                return parent.ctl.run(api -> api.get("/v1/topics/" + AdminApi.segment(name)), (out, topic) ->
                {
                    topic.fields().forEachRemaining(field -> out.println(field.getKey() + ": " + field.getValue().asText()));
                    out.flush();
                });
            }
        }

        @Command(name = "delete", description = "Delete a topic.")
        static final class Delete implements Callable<Integer>
        {
            @ParentCommand
            TopicsCommand parent;

            @Parameters(index = "0", description = "The topic's name.")
            String name;

            @Override
            public Integer call()
            {
                return parent.ctl.run(api -> api.delete("/v1/topics/" + AdminApi.segment(name)), (out, body) ->
                {
                    out.println("deleted " + name);
                    out.flush();
                });
            }
        }
    }

    /** The version from the jar's manifest. */
    static final class Version implements CommandLine.IVersionProvider
    {
        @Override
        public String[] getVersion()
        {
            final String version = RobustCtl.class.getPackage().getImplementationVersion();
            return new String[]{"robust-ctl " + (version == null ? "(development build)" : version)};
        }
    }
}
