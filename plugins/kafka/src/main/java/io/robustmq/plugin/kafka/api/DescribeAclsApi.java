package io.robustmq.plugin.kafka.api;

import io.robustmq.plugin.api.metadata.AclOperation;
import io.robustmq.plugin.api.metadata.AclPattern;
import io.robustmq.plugin.api.metadata.AclResource;
import io.robustmq.plugin.api.metadata.AclRuleInfo;
import io.robustmq.plugin.api.metadata.Metadata;
import io.robustmq.plugin.kafka.protocol.KafkaRequest;
import org.apache.kafka.common.message.DescribeAclsRequestData;
import org.apache.kafka.common.message.DescribeAclsResponseData;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * DescribeAcls: the cluster's rules that a filter matches (see {@link AclBindings}), grouped by
 * resource pattern, from this node's copy of the metadata. Needs DESCRIBE on the cluster
 * (CLUSTER_AUTHORIZATION_FAILED otherwise); a filter with an UNKNOWN field gets INVALID_REQUEST.
 */
public final class DescribeAclsApi implements KafkaApi
{
    private final Metadata metadata;
    private final Access access;

    public DescribeAclsApi(final Metadata metadata)
    {
        this.metadata = metadata;
        this.access = new Access(metadata);
    }

    /** The resource pattern rules are grouped under. */
    private record Resource(AclResource type, String name, AclPattern pattern)
    {
    }

    @Override
    public CompletionStage<ApiMessage> handle(final KafkaRequest request, final ClientConnection connection)
    {
        final DescribeAclsRequestData body = (DescribeAclsRequestData)request.body();
        final DescribeAclsResponseData response = new DescribeAclsResponseData();
        if (!access.cluster(connection, AclOperation.DESCRIBE))
        {
            return CompletableFuture.completedFuture(response.setErrorCode(Errors.CLUSTER_AUTHORIZATION_FAILED.code())
                .setErrorMessage("DescribeAcls needs DESCRIBE on the cluster"));
        }
        final AclBindings.Filter filter;
        try
        {
            filter = AclBindings.filter(body.resourceTypeFilter(), body.resourceNameFilter(), body.patternTypeFilter(),
                body.principalFilter(), body.hostFilter(), body.operation(), body.permissionType());
        }
        catch (final AclBindings.Refused refused)
        {
            return CompletableFuture.completedFuture(response.setErrorCode(Errors.INVALID_REQUEST.code())
                .setErrorMessage(refused.getMessage()));
        }
        final Map<Resource, DescribeAclsResponseData.DescribeAclsResource> resources = new LinkedHashMap<>();
        for (final AclRuleInfo rule : metadata.acls())
        {
            if (!filter.matches(rule))
            {
                continue;
            }
            resources.computeIfAbsent(new Resource(rule.resource(), rule.resourceName(), rule.pattern()),
                resource -> new DescribeAclsResponseData.DescribeAclsResource()
                    .setResourceType(AclBindings.resourceType(resource.type()))
                    .setResourceName(resource.name())
                    .setPatternType(AclBindings.patternType(resource.pattern())))
                .acls().add(new DescribeAclsResponseData.AclDescription()
                    .setPrincipal(AclBindings.principal(rule))
                    .setHost(AclBindings.ANY_HOST)
                    .setOperation(AclBindings.operation(rule.operation()))
                    .setPermissionType(AclBindings.permission(rule.permission())));
        }
        response.resources().addAll(resources.values());
        return CompletableFuture.completedFuture(response.setErrorCode(Errors.NONE.code()));
    }
}
