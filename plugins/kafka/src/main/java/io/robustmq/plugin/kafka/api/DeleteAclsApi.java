package io.robustmq.plugin.kafka.api;

import io.robustmq.plugin.api.metadata.AclOperation;
import io.robustmq.plugin.api.metadata.AclRuleInfo;
import io.robustmq.plugin.api.metadata.Metadata;
import io.robustmq.plugin.api.metadata.MetadataException;
import io.robustmq.plugin.kafka.protocol.KafkaRequest;
import org.apache.kafka.common.message.DeleteAclsRequestData;
import org.apache.kafka.common.message.DeleteAclsResponseData;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * DeleteAcls: each filter removes the cluster's rules it matches (see {@link AclBindings}) and
 * answers them, as Kafka does; the answer comes once this node's copy of the metadata no longer
 * holds them. A rule two filters match is removed once and answered for both; one removed by
 * someone else meanwhile is left out. Needs ALTER on the cluster (CLUSTER_AUTHORIZATION_FAILED for
 * each filter otherwise); a filter with an UNKNOWN field gets INVALID_REQUEST.
 */
public final class DeleteAclsApi implements KafkaApi
{
    private final Metadata metadata;
    private final Access access;

    public DeleteAclsApi(final Metadata metadata)
    {
        this.metadata = metadata;
        this.access = new Access(metadata);
    }

    @Override
    public CompletionStage<ApiMessage> handle(final KafkaRequest request, final ClientConnection connection)
    {
        final DeleteAclsRequestData body = (DeleteAclsRequestData)request.body();
        final DeleteAclsResponseData response = new DeleteAclsResponseData();
        final boolean authorized = access.cluster(connection, AclOperation.ALTER);
        final List<AclRuleInfo> rules = metadata.acls();
        final Map<AclRuleInfo, CompletableFuture<Throwable>> removals = new HashMap<>();
        final List<CompletableFuture<?>> pending = new ArrayList<>();
        for (final DeleteAclsRequestData.DeleteAclsFilter kafkaFilter : body.filters())
        {
            final DeleteAclsResponseData.DeleteAclsFilterResult result = new DeleteAclsResponseData.DeleteAclsFilterResult();
            response.filterResults().add(result);
            if (!authorized)
            {
                result.setErrorCode(Errors.CLUSTER_AUTHORIZATION_FAILED.code())
                    .setErrorMessage("DeleteAcls needs ALTER on the cluster");
                continue;
            }
            final AclBindings.Filter filter;
            try
            {
                filter = AclBindings.filter(kafkaFilter.resourceTypeFilter(), kafkaFilter.resourceNameFilter(),
                    kafkaFilter.patternTypeFilter(), kafkaFilter.principalFilter(), kafkaFilter.hostFilter(),
                    kafkaFilter.operation(), kafkaFilter.permissionType());
            }
            catch (final AclBindings.Refused refused)
            {
                result.setErrorCode(Errors.INVALID_REQUEST.code()).setErrorMessage(refused.getMessage());
                continue;
            }
            result.setErrorCode(Errors.NONE.code());
            final List<CompletableFuture<DeleteAclsResponseData.DeleteAclsMatchingAcl>> matches = new ArrayList<>();
            for (final AclRuleInfo rule : rules)
            {
                if (filter.matches(rule))
                {
                    matches.add(removals.computeIfAbsent(rule, this::remove).thenApply(failure -> matching(rule, failure)));
                }
            }
            pending.add(CompletableFuture.allOf(matches.toArray(new CompletableFuture<?>[0])).thenRun(() ->
            {
                for (final CompletableFuture<DeleteAclsResponseData.DeleteAclsMatchingAcl> match : matches)
                {
                    final DeleteAclsResponseData.DeleteAclsMatchingAcl acl = match.join();
                    if (acl != null)
                    {
                        result.matchingAcls().add(acl);
                    }
                }
            }));
        }
        return CompletableFuture.allOf(pending.toArray(new CompletableFuture<?>[0]))
            .thenApplyAsync(done -> response, connection.eventLoop());
    }

    /**
     * @return completes with null once the rule is removed, or with why it could not be.
     */
    private CompletableFuture<Throwable> remove(final AclRuleInfo rule)
    {
        return metadata.removeAcl(rule).toCompletableFuture().handle((done, failure) ->
            failure == null ? null : Failures.cause(failure));
    }

    /**
     * @return the rule as this filter's answer, or null if someone else removed it first.
     */
    private static DeleteAclsResponseData.DeleteAclsMatchingAcl matching(final AclRuleInfo rule, final Throwable failure)
    {
        final DeleteAclsResponseData.DeleteAclsMatchingAcl acl = new DeleteAclsResponseData.DeleteAclsMatchingAcl()
            .setResourceType(AclBindings.resourceType(rule.resource()))
            .setResourceName(rule.resourceName())
            .setPatternType(AclBindings.patternType(rule.pattern()))
            .setPrincipal(AclBindings.principal(rule))
            .setHost(AclBindings.ANY_HOST)
            .setOperation(AclBindings.operation(rule.operation()))
            .setPermissionType(AclBindings.permission(rule.permission()));
        if (failure == null)
        {
            return acl.setErrorCode(Errors.NONE.code());
        }
        if (failure instanceof MetadataException refused && refused.reason() == MetadataException.Reason.NOT_FOUND)
        {
            return null;
        }
        return acl.setErrorCode(Errors.REQUEST_TIMED_OUT.code()).setErrorMessage(failure instanceof MetadataException ?
            failure.getMessage() : String.valueOf(failure));
    }
}
