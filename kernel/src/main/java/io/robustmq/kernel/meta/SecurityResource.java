package io.robustmq.kernel.meta;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.robustmq.kernel.admin.AdminHandler;
import io.robustmq.kernel.admin.AdminResponse;
import io.robustmq.kernel.admin.AdminRouter;
import io.robustmq.meta.auth.AclRule;
import io.robustmq.meta.auth.Scram;
import io.robustmq.meta.auth.ScramCredential;
import io.robustmq.meta.cluster.MetaClient;
import io.robustmq.meta.codecs.AclOperationCode;
import io.robustmq.meta.codecs.AclPatternCode;
import io.robustmq.meta.codecs.AclPermissionCode;
import io.robustmq.meta.codecs.AclResourceCode;
import io.robustmq.meta.codecs.ResultCode;
import io.robustmq.meta.codecs.ScramMechanismCode;
import io.robustmq.meta.state.MetaState;
import io.robustmq.meta.state.UserRecord;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.RejectedExecutionException;
import java.util.stream.Collectors;

/**
 * The admin routes for users and ACL rules. A password is turned into SCRAM-SHA-256 and
 * SCRAM-SHA-512 credentials here, off the event loop, and never stored or logged.
 * <pre>
 * GET    /v1/users          every user's name and mechanisms
 * POST   /v1/users          {"name", "password"}: 201 created, 200 password replaced, 400 naming a bad field
 * DELETE /v1/users/{name}   204 or 404
 * GET    /v1/acls           every rule
 * POST   /v1/acls           {"principal", "resource_type", "pattern_type", "resource_name", "operation",
 *                           "permission"}: 201 (also if the same rule exists), 400 naming a bad field
 * DELETE /v1/acls           the same body: 204, or 404 if there is no such rule
 * </pre>
 */
public final class SecurityResource
{
    private static final String USER_PREFIX = "/v1/users/";
    private static final int MAX_PASSWORD_LENGTH = 1024;
    private static final Set<String> USER_FIELDS = Set.of("name", "password");
    private static final Set<String> ACL_FIELDS =
        Set.of("principal", "resource_type", "pattern_type", "resource_name", "operation", "permission");

    private final MetaService meta;

    /**
     * @param meta the node's Meta Service.
     */
    public SecurityResource(final MetaService meta)
    {
        this.meta = meta;
    }

    /**
     * @param router where to add the routes.
     */
    public void register(final AdminRouter router)
    {
        router
            .route(HttpMethod.GET, "/v1/users", request -> AdminHandler.now(users()))
            .route(HttpMethod.POST, "/v1/users", this::putUser)
            .routePrefix(HttpMethod.DELETE, USER_PREFIX, this::deleteUser)
            .route(HttpMethod.GET, "/v1/acls", request -> AdminHandler.now(acls()))
            .route(HttpMethod.POST, "/v1/acls", request -> aclCommand(request, true))
            .route(HttpMethod.DELETE, "/v1/acls", request -> aclCommand(request, false));
    }

    private AdminResponse users()
    {
        final List<Object> users = new ArrayList<>();
        for (final UserRecord user : meta.view().users())
        {
            final Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("name", user.name());
            entry.put("mechanisms", user.credentials().stream()
                .map(credential -> SecurityNames.mechanism(credential.mechanism())).toList());
            users.add(entry);
        }
        return AdminResponse.json(HttpResponseStatus.OK, Map.of("users", users));
    }

    private CompletionStage<AdminResponse> putUser(final FullHttpRequest request)
    {
        final String name;
        final char[] password;
        try
        {
            final JsonNode root = AdminJson.object(request, USER_FIELDS);
            final JsonNode nameField = root.get("name");
            if (nameField == null || !nameField.isTextual() || !MetaState.validTopicName(nameField.asText()))
            {
                throw new IllegalArgumentException("field 'name' is required: 1 to " +
                    MetaState.MAX_TOPIC_NAME_LENGTH + " characters, no control characters");
            }
            final JsonNode passwordField = root.get("password");
            if (passwordField == null || !passwordField.isTextual() || passwordField.asText().isEmpty() ||
                passwordField.asText().length() > MAX_PASSWORD_LENGTH)
            {
                throw new IllegalArgumentException("field 'password' is required: 1 to " + MAX_PASSWORD_LENGTH +
                    " characters");
            }
            name = nameField.asText();
            password = passwordField.asText().toCharArray();
        }
        catch (final IllegalArgumentException ex)
        {
            return AdminHandler.now(AdminResponse.error(HttpResponseStatus.BAD_REQUEST, ex.getMessage()));
        }
        final boolean existed = meta.view().user(name) != null;
        final CompletableFuture<List<ScramCredential>> derived;
        try
        {
            derived = CompletableFuture.supplyAsync(() ->
            {
                final List<ScramCredential> credentials = List.of(
                    Scram.newCredential(ScramMechanismCode.SCRAM_SHA_256, password),
                    Scram.newCredential(ScramMechanismCode.SCRAM_SHA_512, password));
                Arrays.fill(password, '\0');
                return credentials;
            }, meta.credentials());
        }
        catch (final RejectedExecutionException ex)
        {
            Arrays.fill(password, '\0');
            return AdminHandler.now(AdminResponse.error(HttpResponseStatus.SERVICE_UNAVAILABLE, "busy: " +
                MetaService.CREDENTIAL_QUEUE_CAPACITY + " password derivations are already waiting; try again"));
        }
        return derived
            .thenCompose(credentials -> meta.client().putUser(name, credentials)
                .thenCompose(result -> result.code() != ResultCode.OK ?
                    AdminHandler.now(AdminResponse.error(result.code() == ResultCode.EXPIRED ?
                        HttpResponseStatus.SERVICE_UNAVAILABLE : HttpResponseStatus.BAD_REQUEST, result.message())) :
                    meta.await(view -> credentials.equals(view.user(name) == null ? null :
                            view.user(name).credentials()), KernelMetadata.WRITE_TIMEOUT_MS)
                        .thenApply(view -> AdminResponse.json(existed ? HttpResponseStatus.OK : HttpResponseStatus.CREATED,
                            Map.of("name", name)))));
    }

    private CompletionStage<AdminResponse> deleteUser(final FullHttpRequest request)
    {
        final String name = AdminRouter.remainder(request, USER_PREFIX);
        return meta.client().deleteUser(name).thenApply(result -> switch (result.code())
        {
            case OK -> new AdminResponse(HttpResponseStatus.NO_CONTENT, "application/json", new byte[0]);
            case NOT_FOUND -> AdminResponse.error(HttpResponseStatus.NOT_FOUND, "no user " + name);
            case EXPIRED -> AdminResponse.error(HttpResponseStatus.SERVICE_UNAVAILABLE, result.message());
            default -> AdminResponse.error(HttpResponseStatus.BAD_REQUEST, result.message());
        });
    }

    private AdminResponse acls()
    {
        final List<Object> rules = new ArrayList<>();
        for (final AclRule rule : meta.view().acls())
        {
            rules.add(json(rule));
        }
        return AdminResponse.json(HttpResponseStatus.OK, Map.of("acls", rules));
    }

    private static Map<String, Object> json(final AclRule rule)
    {
        final Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("principal", rule.principal());
        entry.put("resource_type", SecurityNames.lower(rule.resource()));
        entry.put("pattern_type", SecurityNames.lower(rule.pattern()));
        entry.put("resource_name", rule.resourceName());
        entry.put("operation", SecurityNames.lower(rule.operation()));
        entry.put("permission", SecurityNames.lower(rule.permission()));
        return entry;
    }

    private CompletionStage<AdminResponse> aclCommand(final FullHttpRequest request, final boolean add)
    {
        final AclRule rule;
        try
        {
            rule = parseRule(AdminJson.object(request, ACL_FIELDS));
        }
        catch (final IllegalArgumentException ex)
        {
            return AdminHandler.now(AdminResponse.error(HttpResponseStatus.BAD_REQUEST, ex.getMessage()));
        }
        final CompletableFuture<MetaClient.Result> sent = add ? meta.client().addAcl(rule) : meta.client().removeAcl(rule);
        return sent.thenCompose(result -> switch (result.code())
        {
            case OK -> meta.await(view -> view.acls().contains(rule) == add, KernelMetadata.WRITE_TIMEOUT_MS)
                .thenApply(view -> add ? AdminResponse.json(HttpResponseStatus.CREATED, json(rule)) :
                    new AdminResponse(HttpResponseStatus.NO_CONTENT, "application/json", new byte[0]));
            case NOT_FOUND -> AdminHandler.now(AdminResponse.error(HttpResponseStatus.NOT_FOUND, "no such rule"));
            case EXPIRED -> AdminHandler.now(AdminResponse.error(HttpResponseStatus.SERVICE_UNAVAILABLE,
                result.message()));
            default -> AdminHandler.now(AdminResponse.error(HttpResponseStatus.BAD_REQUEST, result.message()));
        });
    }

    /**
     * @throws IllegalArgumentException naming the field that is missing or wrong.
     */
    static AclRule parseRule(final JsonNode root)
    {
        final JsonNode principal = root.get("principal");
        if (principal == null || !principal.isTextual() || principal.asText().isEmpty())
        {
            throw new IllegalArgumentException("field 'principal' is required: a user name, or * for anyone");
        }
        final JsonNode resourceName = root.get("resource_name");
        if (resourceName == null || !resourceName.isTextual() || resourceName.asText().isEmpty())
        {
            throw new IllegalArgumentException("field 'resource_name' is required: a name, a prefix, or *");
        }
        final AclRule rule = new AclRule(
            principal.asText(),
            AclResourceCode.valueOf(upper(AdminJson.required(root, "resource_type", names(AclResourceCode.values())))),
            root.has("pattern_type") ?
                AclPatternCode.valueOf(upper(AdminJson.required(root, "pattern_type", names(AclPatternCode.values())))) :
                AclPatternCode.LITERAL,
            resourceName.asText(),
            AclOperationCode.valueOf(upper(AdminJson.required(root, "operation", names(AclOperationCode.values())))),
            AclPermissionCode.valueOf(upper(AdminJson.required(root, "permission",
                names(AclPermissionCode.values())))));
        final String invalid = KernelMetadata.invalid(rule);
        if (invalid != null)
        {
            throw new IllegalArgumentException(invalid);
        }
        return rule;
    }

    private static String upper(final String name)
    {
        return name.toUpperCase(Locale.ROOT);
    }

    private static Set<String> names(final Enum<?>[] codes)
    {
        return Arrays.stream(codes).filter(code -> !code.name().equals("NULL_VAL")).map(SecurityNames::lower)
            .collect(Collectors.toSet());
    }
}
