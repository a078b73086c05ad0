package io.robustmq.kernel.meta;

import com.fasterxml.jackson.databind.JsonNode;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.robustmq.kernel.admin.AdminHandler;
import io.robustmq.kernel.admin.AdminResponse;
import io.robustmq.kernel.admin.AdminRouter;
import io.robustmq.meta.cluster.MetaClient;
import io.robustmq.meta.cluster.MetaClusteredService;
import io.robustmq.meta.state.ClusterSettings;
import io.robustmq.meta.state.GroupRecord;
import io.robustmq.meta.state.MetaState;
import io.robustmq.meta.state.ShardRecord;
import io.robustmq.meta.state.NodeRecord;
import io.robustmq.meta.state.TopicRecord;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletionStage;

/**
 * The Meta Service's admin routes. Reads answer from the local view of the metadata; writes go
 * through the cluster and answer once it has applied them.
 * <pre>
 * GET    /v1/cluster         {"leader": id, "term": n, "members": [{"id", "address", "role", "state"}]}
 * GET    /v1/nodes           every node: id, address, state, last heartbeat, its listeners' endpoints
 * GET    /v1/topics          every topic
 * POST   /v1/topics          {"name", "partitions", "storage", "durability", "retention_ms", "retention_bytes",
 *                             "segment_bytes"}:
 *                            201, 409 if it exists, 400 naming a bad field
 * GET    /v1/topics/{name}   200 or 404 (a name holding / is sent as %2F); with its shards
 * DELETE /v1/topics/{name}   204 or 404
 * GET    /v1/groups          the consumer-group registry
 * GET    /v1/config          every cluster setting with its value
 * PUT    /v1/config/{key}    {"value": "..."}: 200, 404 for an unknown setting, 400 for a bad value;
 *                            an empty value restores the default
 * </pre>
 */
public final class MetaResource
{
    private static final String TOPIC_PREFIX = "/v1/topics/";
    private static final String CONFIG_PREFIX = "/v1/config/";
    private static final Set<String> TOPIC_FIELDS =
        Set.of("name", "partitions", "storage", "durability", "retention_ms", "retention_bytes", "segment_bytes");
    private static final Set<String> STORAGES = Set.of("journal", "memory");
    private static final Set<String> DURABILITIES = Set.of("none", "interval", "always");

    private final MetaService meta;

    /**
     * @param meta the node's Meta Service.
     */
    public MetaResource(final MetaService meta)
    {
        this.meta = meta;
    }

    /**
     * @param router where to add the routes.
     */
    public void register(final AdminRouter router)
    {
        router
            .route(HttpMethod.GET, "/v1/cluster", request -> AdminHandler.now(cluster()))
            .route(HttpMethod.GET, "/v1/nodes", request -> AdminHandler.now(nodes()))
            .route(HttpMethod.GET, "/v1/topics", request -> AdminHandler.now(topics()))
            .route(HttpMethod.POST, "/v1/topics", this::createTopic)
            .routePrefix(HttpMethod.GET, TOPIC_PREFIX, request -> AdminHandler.now(topic(name(request))))
            .routePrefix(HttpMethod.DELETE, TOPIC_PREFIX, this::deleteTopic)
            .route(HttpMethod.GET, "/v1/groups", request -> AdminHandler.now(groups()))
            .route(HttpMethod.GET, "/v1/config", request -> AdminHandler.now(
                AdminResponse.json(HttpResponseStatus.OK, Map.of("settings", meta.view().settings()))))
            .routePrefix(HttpMethod.GET, CONFIG_PREFIX, request -> AdminHandler.now(config(request)))
            .routePrefix(HttpMethod.PUT, CONFIG_PREFIX, this::setConfig);
    }

    private static String name(final FullHttpRequest request)
    {
        return AdminRouter.remainder(request, TOPIC_PREFIX);
    }

    private AdminResponse cluster()
    {
        final MetaClusteredService.View view = meta.view();
        final List<Object> members = new ArrayList<>();
        for (final var member : meta.members())
        {
            final Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("id", member.id());
            entry.put("address", member.host() + ":" + member.basePort());
            entry.put("role", member.id() == view.leaderMemberId() ? "leader" : "follower");
            entry.put("state", view.nodes().stream().filter(node -> node.id() == member.id()).findFirst()
                .map(node -> node.up() ? "up" : "down").orElse("unknown"));
            members.add(entry);
        }
        final Map<String, Object> body = new LinkedHashMap<>();
        body.put("leader", view.leaderMemberId() < 0 ? null : view.leaderMemberId());
        body.put("term", view.leadershipTermId());
        body.put("members", members);
        return AdminResponse.json(HttpResponseStatus.OK, body);
    }

    private AdminResponse nodes()
    {
        final List<Object> nodes = new ArrayList<>();
        for (final NodeRecord node : meta.view().nodes())
        {
            final Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("id", node.id());
            entry.put("address", node.address());
            entry.put("state", node.up() ? "up" : "down");
            entry.put("registered_at", node.registeredAt());
            entry.put("last_heartbeat", node.lastHeartbeat());
            entry.put("endpoints", new java.util.TreeMap<>(node.endpoints()));
            nodes.add(entry);
        }
        return AdminResponse.json(HttpResponseStatus.OK, Map.of("nodes", nodes));
    }

    private AdminResponse topics()
    {
        final List<Object> topics = new ArrayList<>();
        for (final TopicRecord topic : meta.view().topics())
        {
            topics.add(json(topic));
        }
        return AdminResponse.json(HttpResponseStatus.OK, Map.of("topics", topics));
    }

    private AdminResponse topic(final String name)
    {
        final MetaClusteredService.View view = meta.view();
        final TopicRecord topic = view.topic(name);
        return topic == null ? AdminResponse.error(HttpResponseStatus.NOT_FOUND, "no topic " + name) :
            AdminResponse.json(HttpResponseStatus.OK, json(topic, view));
    }

    private AdminResponse groups()
    {
        final List<Object> groups = new ArrayList<>();
        for (final GroupRecord group : meta.view().groups())
        {
            final Map<String, Object> entry = new LinkedHashMap<>();
            entry.put("name", group.name());
            entry.put("protocol", group.protocol());
            entry.put("created_at", group.createdAt());
            groups.add(entry);
        }
        return AdminResponse.json(HttpResponseStatus.OK, Map.of("groups", groups));
    }

    private static Map<String, Object> json(final TopicRecord topic, final MetaClusteredService.View view)
    {
        final Map<String, Object> entry = json(topic);
        final List<Object> shards = new ArrayList<>();
        for (final ShardRecord shard : view.shards().getOrDefault(topic.name(), List.of()))
        {
            final Map<String, Object> json = new LinkedHashMap<>();
            json.put("partition", shard.partition());
            json.put("leader", shard.leader() == ShardRecord.NO_LEADER ? null : shard.leader());
            json.put("replicas", shard.replicas());
            json.put("epoch", shard.epoch());
            shards.add(json);
        }
        entry.put("shards", shards);
        return entry;
    }

    private static Map<String, Object> json(final TopicRecord topic)
    {
        final Map<String, Object> entry = new LinkedHashMap<>();
        entry.put("name", topic.name());
        entry.put("id", topic.uuid().toString());
        entry.put("partitions", topic.partitions());
        entry.put("storage", topic.storage());
        entry.put("durability", topic.durability());
        entry.put("retention_ms", topic.retentionMs());
        entry.put("retention_bytes", topic.retentionBytes());
        entry.put("segment_bytes", topic.segmentBytes());
        entry.put("created_at", topic.createdAt());
        return entry;
    }

    private record TopicRequest(String name, int partitions, String storage, String durability, long retentionMs,
        long retentionBytes, int segmentBytes)
    {
    }

    private CompletionStage<AdminResponse> createTopic(final FullHttpRequest request)
    {
        final TopicRequest topic;
        try
        {
            topic = parse(request.content().toString(StandardCharsets.UTF_8));
        }
        catch (final IllegalArgumentException ex)
        {
            return AdminHandler.now(AdminResponse.error(HttpResponseStatus.BAD_REQUEST, ex.getMessage()));
        }
        return meta.client()
            .createTopic(topic.name(), topic.partitions(), topic.storage(), topic.durability(), topic.retentionMs(),
                topic.retentionBytes(), topic.segmentBytes())
            .thenCompose(result -> switch (result.code())
            {
                case OK -> created(topic.name());
                case ALREADY_EXISTS -> AdminHandler.now(
                    AdminResponse.error(HttpResponseStatus.CONFLICT, "topic " + topic.name() + " exists"));
                case EXPIRED -> AdminHandler.now(AdminResponse.error(HttpResponseStatus.SERVICE_UNAVAILABLE,
                    result.message()));
                default -> AdminHandler.now(AdminResponse.error(HttpResponseStatus.BAD_REQUEST, result.message()));
            });
    }

    /**
     * The leader answers once the cluster has committed the topic; this node's own copy (on a
     * follower) applies it a moment later. Answer with the topic as this node then sees it.
     */
    private CompletionStage<AdminResponse> created(final String name)
    {
        return meta.await(view -> view.topic(name) != null, KernelMetadata.WRITE_TIMEOUT_MS)
            .thenApply(view -> AdminResponse.json(HttpResponseStatus.CREATED, json(view.topic(name), view)))
            .exceptionally(failure -> AdminResponse.json(HttpResponseStatus.CREATED, Map.of("name", name)));
    }

    private AdminResponse config(final FullHttpRequest request)
    {
        final String key = AdminRouter.remainder(request, CONFIG_PREFIX);
        final String value = meta.view().settings().get(key);
        return value == null ? AdminResponse.error(HttpResponseStatus.NOT_FOUND, "no cluster setting '" + key +
            "'; settings: " + ClusterSettings.defaults().keySet()) :
            AdminResponse.json(HttpResponseStatus.OK, Map.of("key", key, "value", value));
    }

    private CompletionStage<AdminResponse> setConfig(final FullHttpRequest request)
    {
        final String key = AdminRouter.remainder(request, CONFIG_PREFIX);
        final String value;
        try
        {
            value = AdminJson.object(request, Set.of("value")).path("value").asText(null);
        }
        catch (final IllegalArgumentException ex)
        {
            return AdminHandler.now(AdminResponse.error(HttpResponseStatus.BAD_REQUEST, ex.getMessage()));
        }
        if (value == null)
        {
            return AdminHandler.now(AdminResponse.error(HttpResponseStatus.BAD_REQUEST,
                "field 'value' is required: a string, empty for the default"));
        }
        return meta.client().setClusterConfig(key, value).thenCompose(result -> switch (result.code())
        {
            case OK -> meta.await(view -> value.isEmpty() || value.equals(view.settings().get(key)),
                    KernelMetadata.WRITE_TIMEOUT_MS)
                .thenApply(view -> AdminResponse.json(HttpResponseStatus.OK, Map.of("key", key, "value",
                    view.settings().get(key))));
            case NOT_FOUND -> AdminHandler.now(AdminResponse.error(HttpResponseStatus.NOT_FOUND,
                "no cluster setting '" + key + "'; settings: " + ClusterSettings.defaults().keySet()));
            case EXPIRED -> AdminHandler.now(AdminResponse.error(HttpResponseStatus.SERVICE_UNAVAILABLE,
                result.message()));
            default -> AdminHandler.now(AdminResponse.error(HttpResponseStatus.BAD_REQUEST,
                "cluster setting '" + key + "' does not accept '" + value + "'"));
        });
    }

    private CompletionStage<AdminResponse> deleteTopic(final FullHttpRequest request)
    {
        final String name = name(request);
        return meta.client().deleteTopic(name).thenApply(result -> switch (result.code())
        {
            case OK -> new AdminResponse(HttpResponseStatus.NO_CONTENT, "application/json", new byte[0]);
            case NOT_FOUND -> AdminResponse.error(HttpResponseStatus.NOT_FOUND, "no topic " + name);
            case EXPIRED -> AdminResponse.error(HttpResponseStatus.SERVICE_UNAVAILABLE, result.message());
            default -> AdminResponse.error(HttpResponseStatus.BAD_REQUEST, result.message());
        });
    }

    /**
     * @param body the request's JSON.
     * @return the request, checked.
     * @throws IllegalArgumentException naming the field that is wrong.
     */
    static TopicRequest parse(final String body)
    {
        final JsonNode root = AdminJson.object(body, TOPIC_FIELDS);
        final JsonNode name = root.get("name");
        if (name == null || !name.isTextual() || !MetaState.validTopicName(name.asText()))
        {
            throw new IllegalArgumentException("field 'name' is required: 1 to " + MetaState.MAX_TOPIC_NAME_LENGTH +
                " characters, no control characters");
        }
        return new TopicRequest(
            name.asText(),
            (int)number(root, "partitions", 1, 1, 100_000),
            choice(root, "storage", STORAGES),
            choice(root, "durability", DURABILITIES),
            number(root, "retention_ms", 0, 0, Long.MAX_VALUE),
            number(root, "retention_bytes", 0, 0, Long.MAX_VALUE),
            segmentBytes(root));
    }

    private static int segmentBytes(final JsonNode root)
    {
        final int segmentBytes = (int)number(root, "segment_bytes", 0, 0, MetaState.MAX_TOPIC_SEGMENT_BYTES);
        if (!MetaState.validSegmentBytes(segmentBytes))
        {
            throw new IllegalArgumentException("field 'segment_bytes' must be 0 (the node's default) or " +
                MetaState.MIN_TOPIC_SEGMENT_BYTES + " to " + MetaState.MAX_TOPIC_SEGMENT_BYTES + ", a multiple of 8");
        }
        return segmentBytes;
    }

    private static long number(final JsonNode root, final String field, final long absent, final long min, final long max)
    {
        final JsonNode value = root.get(field);
        if (value == null || value.isNull())
        {
            return absent;
        }
        if (!value.isIntegralNumber() || value.asLong() < min || value.asLong() > max)
        {
            throw new IllegalArgumentException("field '" + field + "' must be an integer from " + min + " to " + max);
        }
        return value.asLong();
    }

    private static String choice(final JsonNode root, final String field, final Set<String> allowed)
    {
        final JsonNode value = root.get(field);
        if (value == null || value.isNull())
        {
            return "";
        }
        if (!value.isTextual() || !allowed.contains(value.asText()))
        {
            throw new IllegalArgumentException("field '" + field + "' must be one of " + new java.util.TreeSet<>(allowed));
        }
        return value.asText();
    }
}
