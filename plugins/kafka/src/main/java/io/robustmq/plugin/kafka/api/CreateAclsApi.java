package io.robustmq.plugin.kafka.api;

import io.robustmq.plugin.api.metadata.AclOperation;
import io.robustmq.plugin.api.metadata.AclRuleInfo;
import io.robustmq.plugin.api.metadata.Metadata;
import io.robustmq.plugin.api.metadata.MetadataException;
import io.robustmq.plugin.kafka.protocol.KafkaRequest;
import org.apache.kafka.common.message.CreateAclsRequestData;
import org.apache.kafka.common.message.CreateAclsResponseData;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/**
 * CreateAcls: each creation becomes one of the cluster's rules (see {@link AclBindings}), answered
 * once this node's copy of the metadata holds it; creating a rule that exists succeeds. Needs ALTER
 * on the cluster (CLUSTER_AUTHORIZATION_FAILED for each creation otherwise); a binding the rules
 * cannot hold (another host than {@code *}, a principal that is not a user, a resource type,
 * pattern type or operation they do not have) gets INVALID_REQUEST, saying why.
 */
public final class CreateAclsApi implements KafkaApi
{
    private final Metadata metadata;
    private final Access access;

    public CreateAclsApi(final Metadata metadata)
    {
        this.metadata = metadata;
        this.access = new Access(metadata);
    }

    @Override
    public CompletionStage<ApiMessage> handle(final KafkaRequest request, final ClientConnection connection)
    {
        final CreateAclsRequestData body = (CreateAclsRequestData)request.body();
        final CreateAclsResponseData response = new CreateAclsResponseData();
        final boolean authorized = access.cluster(connection, AclOperation.ALTER);
        final List<CompletableFuture<?>> pending = new ArrayList<>();
        for (final CreateAclsRequestData.AclCreation creation : body.creations())
        {
            final CreateAclsResponseData.AclCreationResult result = new CreateAclsResponseData.AclCreationResult();
            response.results().add(result);
            if (!authorized)
            {
                result.setErrorCode(Errors.CLUSTER_AUTHORIZATION_FAILED.code())
                    .setErrorMessage("CreateAcls needs ALTER on the cluster");
                continue;
            }
            final AclRuleInfo rule;
            try
            {
                rule = AclBindings.rule(creation.resourceType(), creation.resourceName(),
                    creation.resourcePatternType(), creation.principal(), creation.host(), creation.operation(),
                    creation.permissionType());
            }
            catch (final AclBindings.Refused refused)
            {
                result.setErrorCode(Errors.INVALID_REQUEST.code()).setErrorMessage(refused.getMessage());
                continue;
            }
            pending.add(metadata.addAcl(rule).toCompletableFuture().handle((done, failure) ->
            {
                if (failure == null)
                {
                    result.setErrorCode(Errors.NONE.code());
                }
                else
                {
                    final Throwable cause = Failures.cause(failure);
                    final boolean invalid = cause instanceof MetadataException refused &&
                        refused.reason() == MetadataException.Reason.INVALID;
                    result.setErrorCode(invalid ? Errors.INVALID_REQUEST.code() : Errors.REQUEST_TIMED_OUT.code())
                        .setErrorMessage(cause instanceof MetadataException ? cause.getMessage() : String.valueOf(cause));
                }
                return null;
            }));
        }
        return CompletableFuture.allOf(pending.toArray(new CompletableFuture<?>[0]))
            .thenApplyAsync(done -> response, connection.eventLoop());
    }
}
