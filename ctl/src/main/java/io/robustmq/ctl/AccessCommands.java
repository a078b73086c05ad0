package io.robustmq.ctl;

import com.fasterxml.jackson.databind.JsonNode;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

import java.io.PrintWriter;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;

/**
 * robust-ctl's commands for who may do what: users ({@code /v1/users}), ACL rules
 * ({@code /v1/acls}) and cluster settings ({@code /v1/config}).
 */
final class AccessCommands
{
    private AccessCommands()
    {
    }

    private static void done(final PrintWriter out, final String what)
    {
        out.println(what);
        out.flush();
    }

    @Command(name = "users", description = "Users and their SCRAM credentials.",
        subcommands = {Users.List.class, Users.Add.class, Users.Delete.class})
    static final class Users extends RobustCtl.Group
    {
        @Command(name = "list", description = "Every user and the SCRAM mechanisms it has credentials for.")
        static final class List implements Callable<Integer>
        {
            @ParentCommand
            Users parent;

            @Override
            public Integer call()
            {
                return parent.ctl.run(api -> api.get("/v1/users"), (out, body) ->
                {
                    final var rows = AdminApi.JSON.createArrayNode();
                    for (final JsonNode user : body.path("users"))
                    {
                        final var mechanisms = new StringBuilder();
                        user.path("mechanisms").forEach(m -> mechanisms.append(mechanisms.length() == 0 ? "" : ",")
                            .append(m.asText()));
                        rows.addObject().put("name", user.path("name").asText()).put("mechanisms", mechanisms.toString());
                    }
                    Table.print(out, rows, "name", "mechanisms");
                });
            }
        }

        /** Where the password comes from: the option's value, or a prompt that does not echo. */
        static final class Password
        {
            @Option(names = "--password", interactive = true, arity = "0..1", required = true, prompt = "password: ",
                description = "The password; --password alone asks for it without echo (or reads a line from " +
                    "standard input when that is not a terminal).")
            char[] value;
        }

        @Command(name = "add", description = "Create a user, or replace its password (only SCRAM credentials derived " +
            "from it are stored).")
        static final class Add implements Callable<Integer>
        {
            @ParentCommand
            Users parent;

            @Parameters(index = "0", description = "The user's name.")
            String name;

            @ArgGroup(exclusive = false, multiplicity = "1")
            Password password;

            @Override
            public Integer call()
            {
                final Map<String, Object> body = new LinkedHashMap<>();
                body.put("name", name);
                body.put("password", new String(password.value));
                java.util.Arrays.fill(password.value, '\0');
                return parent.ctl.run(api -> api.post("/v1/users", body), (out, answer) -> done(out, "stored " + name));
            }
        }

        @Command(name = "delete", description = "Delete a user.")
        static final class Delete implements Callable<Integer>
        {
            @ParentCommand
            Users parent;

            @Parameters(index = "0", description = "The user's name.")
            String name;

            @Override
            public Integer call()
            {
                return parent.ctl.run(api -> api.delete("/v1/users/" + AdminApi.segment(name)),
                    (out, answer) -> done(out, "deleted " + name));
            }
        }
    }

    /** The fields of one ACL rule, as options. */
    static final class Rule
    {
        @Option(names = "--principal", required = true, description = "A user's name, or * for anyone.")
        String principal;

        @Option(names = "--resource-type", required = true, description = "topic, group or cluster.")
        String resourceType;

        @Option(names = "--pattern-type", defaultValue = "literal",
            description = "literal (default) or prefixed.")
        String patternType;

        @Option(names = "--resource-name", required = true, description = "A name, a prefix, or * (literal) for " +
            "every name; %%u and %%c stand for the user's name and the client's id.")
        String resourceName;

        @Option(names = "--operation", required = true,
            description = "all, read, write, create, delete, describe or alter.")
        String operation;

        @Option(names = "--permission", required = true, description = "allow or deny.")
        String permission;

        Map<String, Object> body()
        {
            final Map<String, Object> body = new LinkedHashMap<>();
            body.put("principal", principal);
            body.put("resource_type", resourceType);
            body.put("pattern_type", patternType);
            body.put("resource_name", resourceName);
            body.put("operation", operation);
            body.put("permission", permission);
            return body;
        }
    }

    @Command(name = "acls", description = "ACL rules: who may or may not do what to which resources.",
        subcommands = {Acls.List.class, Acls.Add.class, Acls.Delete.class})
    static final class Acls extends RobustCtl.Group
    {
        private static final String[] COLUMNS =
            {"principal", "resource_type", "pattern_type", "resource_name", "operation", "permission"};

        @Command(name = "list", description = "Every rule.")
        static final class List implements Callable<Integer>
        {
            @ParentCommand
            Acls parent;

            @Override
            public Integer call()
            {
                return parent.ctl.run(api -> api.get("/v1/acls"), (out, body) -> Table.print(out, body.path("acls"), COLUMNS));
            }
        }

        @Command(name = "add", description = "Add a rule (done also if the same rule exists).")
        static final class Add implements Callable<Integer>
        {
            @ParentCommand
            Acls parent;

            @Mixin
            Rule rule;

            @Override
            public Integer call()
            {
                return parent.ctl.run(api -> api.post("/v1/acls", rule.body()), (out, body) -> done(out, "added"));
            }
        }

        @Command(name = "delete", description = "Remove a rule, named by all its fields.")
        static final class Delete implements Callable<Integer>
        {
            @ParentCommand
            Acls parent;

            @Mixin
            Rule rule;

            @Override
            public Integer call()
            {
                return parent.ctl.run(api -> api.delete("/v1/acls", rule.body()), (out, body) -> done(out, "deleted"));
            }
        }
    }

    @Command(name = "config", description = "Cluster-wide settings.", subcommands = {Config.Get.class, Config.Set.class})
    static final class Config extends RobustCtl.Group
    {
        @Command(name = "get", description = "Every setting with its value, or one.")
        static final class Get implements Callable<Integer>
        {
            @ParentCommand
            Config parent;

            @Parameters(index = "0", arity = "0..1", description = "A setting's name; every setting if left out.")
            String key;

            @Override
            public Integer call()
            {
                if (key != null)
                {
                    return parent.ctl.run(api -> api.get("/v1/config/" + AdminApi.segment(key)),
                        (out, body) -> done(out, body.path("value").asText()));
                }
                return parent.ctl.run(api -> api.get("/v1/config"), (out, body) ->
                {
                    final JsonNode settings = body.path("settings");
                    final var rows = AdminApi.JSON.createArrayNode();
                    settings.fields().forEachRemaining(field ->
                        rows.addObject().put("key", field.getKey()).put("value", field.getValue().asText()));
                    Table.print(out, rows, "key", "value");
                });
            }
        }

        @Command(name = "set", description = "Set a setting; an empty value restores its default.")
        static final class Set implements Callable<Integer>
        {
            @ParentCommand
            Config parent;

            @Parameters(index = "0", description = "The setting's name.")
            String key;

            @Parameters(index = "1", description = "Its value.")
            String value;

            @Override
            public Integer call()
            {
                return parent.ctl.run(api -> api.put("/v1/config/" + AdminApi.segment(key), Map.of("value", value)),
                    (out, body) -> done(out, key + " = " + body.path("value").asText(value)));
            }
        }
    }
}
