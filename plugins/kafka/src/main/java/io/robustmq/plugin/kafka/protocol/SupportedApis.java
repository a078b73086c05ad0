package io.robustmq.plugin.kafka.protocol;

import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.protocol.ApiKeys;

import java.util.EnumMap;
import java.util.Map;

/**
 * The APIs this broker answers, each with the range of versions it implements: exactly what
 * ApiVersions advertises. A request outside it is answered with UNSUPPORTED_VERSION.
 */
public final class SupportedApis
{
    private final Map<ApiKeys, short[]> versions = new EnumMap<>(ApiKeys.class);

    private SupportedApis()
    {
    }

    /**
     * @return the APIs implemented by this version of the plugin.
     */
    public static SupportedApis implemented()
    {
        final SupportedApis apis = new SupportedApis();
        apis.all(ApiKeys.API_VERSIONS);
        apis.all(ApiKeys.METADATA);
        apis.all(ApiKeys.PRODUCE);
        apis.all(ApiKeys.FETCH);
        apis.all(ApiKeys.LIST_OFFSETS);
        apis.all(ApiKeys.INIT_PRODUCER_ID);
        apis.all(ApiKeys.FIND_COORDINATOR);
        apis.all(ApiKeys.JOIN_GROUP);
        apis.all(ApiKeys.SYNC_GROUP);
        apis.all(ApiKeys.HEARTBEAT);
        apis.all(ApiKeys.LEAVE_GROUP);
        apis.all(ApiKeys.OFFSET_COMMIT);
        apis.all(ApiKeys.OFFSET_FETCH);
        apis.all(ApiKeys.LIST_GROUPS);
        apis.all(ApiKeys.DESCRIBE_GROUPS);
        apis.all(ApiKeys.DELETE_GROUPS);
        apis.all(ApiKeys.OFFSET_DELETE);
        apis.all(ApiKeys.CREATE_TOPICS);
        apis.all(ApiKeys.DELETE_TOPICS);
        apis.all(ApiKeys.DESCRIBE_CLUSTER);
        apis.all(ApiKeys.DESCRIBE_CONFIGS);
        apis.all(ApiKeys.DELETE_RECORDS);
        apis.all(ApiKeys.CREATE_PARTITIONS);
        apis.all(ApiKeys.ALTER_CONFIGS);
        apis.all(ApiKeys.INCREMENTAL_ALTER_CONFIGS);
        apis.all(ApiKeys.DESCRIBE_ACLS);
        apis.all(ApiKeys.CREATE_ACLS);
        apis.all(ApiKeys.DELETE_ACLS);
        apis.all(ApiKeys.SASL_HANDSHAKE);
        apis.all(ApiKeys.SASL_AUTHENTICATE);
        return apis;
    }

    private void all(final ApiKeys api)
    {
        versions.put(api, new short[]{api.oldestVersion(), api.latestVersion()});
    }

    /**
     * @param apiKey  an API key, possibly unknown.
     * @param version a version.
     * @return true if the broker answers that API at that version.
     */
    public boolean supports(final short apiKey, final short version)
    {
        if (!ApiKeys.hasId(apiKey))
        {
            return false;
        }
        final short[] range = versions.get(ApiKeys.forId(apiKey));
        return range != null && version >= range[0] && version <= range[1];
    }

    /**
     * @param apiKey an API key, possibly unknown.
     * @return true if the broker answers that API at some version.
     */
    public boolean supportsApi(final short apiKey)
    {
        return ApiKeys.hasId(apiKey) && versions.containsKey(ApiKeys.forId(apiKey));
    }

    /**
     * @return the APIs answered.
     */
    public java.util.Set<ApiKeys> apis()
    {
        return versions.keySet();
    }

    /**
     * @return the ranges, as ApiVersions lists them.
     */
    public ApiVersionsResponseData.ApiVersionCollection asApiVersions()
    {
        final ApiVersionsResponseData.ApiVersionCollection list = new ApiVersionsResponseData.ApiVersionCollection();
        for (final Map.Entry<ApiKeys, short[]> entry : versions.entrySet())
        {
            list.add(new ApiVersionsResponseData.ApiVersion().setApiKey(entry.getKey().id)
                .setMinVersion(entry.getValue()[0]).setMaxVersion(entry.getValue()[1]));
        }
        return list;
    }
}
