package io.robustmq.plugin.kafka;

import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.compress.Compression;
import org.apache.kafka.common.message.ApiVersionsRequestData;
import org.apache.kafka.common.message.ApiVersionsResponseData;
import org.apache.kafka.common.message.FetchRequestData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.InitProducerIdRequestData;
import org.apache.kafka.common.message.InitProducerIdResponseData;
import org.apache.kafka.common.message.ListOffsetsRequestData;
import org.apache.kafka.common.message.ListOffsetsResponseData;
import org.apache.kafka.common.message.MetadataRequestData;
import org.apache.kafka.common.message.MetadataResponseData;
import org.apache.kafka.common.message.ProduceRequestData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.record.internal.MemoryRecords;
import org.apache.kafka.common.record.internal.SimpleRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * ApiVersions advertises exactly what is implemented: every API it lists is asked, in every version
 * it lists, and answered in that version without an error (clients other than the Java one, such
 * as librdkafka, use older versions).
 */
class EveryVersionTest
{
    private static final String TOPIC = "every-version";

    @TempDir
    static Path dir;
    private static KafkaNode node;
    private final java.util.Map<Short, org.apache.kafka.common.message.JoinGroupResponseData> joined = new java.util.HashMap<>();

    @BeforeAll
    static void start() throws Exception
    {
        node = KafkaNode.start(dir, "[plugins.kafka]\ngroup_initial_rebalance_delay_ms = 0\n");
    }

    @AfterAll
    static void stop()
    {
        if (node != null)
        {
            node.close();
        }
    }

    @Test
    void everyAdvertisedVersionOfEveryAdvertisedApiIsAnswered() throws Exception
    {
        try (RawKafka socket = new RawKafka(node.port()))
        {
            final ApiVersionsResponseData versions = (ApiVersionsResponseData)socket.exchange(ApiKeys.API_VERSIONS,
                (short)0, new ApiVersionsRequestData());
            assertEquals(Errors.NONE.code(), versions.errorCode());
            final MetadataResponseData created = (MetadataResponseData)socket.exchange(ApiKeys.METADATA, (short)12,
                new MetadataRequestData().setTopics(new ArrayList<>(List.of(
                    new MetadataRequestData.MetadataRequestTopic().setName(TOPIC)))));
            final Uuid topicId = created.topics().find(TOPIC).topicId();
            assertTrue(!Uuid.ZERO_UUID.equals(topicId), "the topic has an id");
            final List<String> asked = new ArrayList<>();
            for (final ApiVersionsResponseData.ApiVersion advertised : versions.apiKeys())
            {
                final ApiKeys api = ApiKeys.forId(advertised.apiKey());
                for (short version = advertised.minVersion(); version <= advertised.maxVersion(); version++)
                {
                    check(socket, api, version, topicId);
                    asked.add(api + " v" + version);
                }
            }
            assertTrue(asked.contains("PRODUCE v13") && asked.contains("FETCH v4") && asked.contains("METADATA v0"),
                asked.toString());
        }
    }

    private void check(final RawKafka socket, final ApiKeys api, final short version, final Uuid topicId)
        throws IOException
    {
        final String what = api + " v" + version;
        final boolean byId = version >= 13;
        switch (api)
        {
            case API_VERSIONS ->
            {
                final ApiVersionsRequestData request = new ApiVersionsRequestData();
                if (version >= 3)
                {
                    request.setClientSoftwareName("every-version").setClientSoftwareVersion("1");
                }
                assertEquals(Errors.NONE.code(), ((ApiVersionsResponseData)socket.exchange(api, version, request))
                    .errorCode(), what);
            }
            case METADATA ->
            {
                final MetadataResponseData response = (MetadataResponseData)socket.exchange(api, version,
                    new MetadataRequestData().setTopics(new ArrayList<>(List.of(
                        new MetadataRequestData.MetadataRequestTopic().setName(TOPIC)))));
                assertEquals(Errors.NONE.code(), response.topics().find(TOPIC).errorCode(), what);
                assertEquals(1, response.brokers().size(), what);
            }
            case PRODUCE ->
            {
                final ProduceRequestData request = new ProduceRequestData().setAcks((short)1).setTimeoutMs(5000);
                final ProduceRequestData.TopicProduceData topic = new ProduceRequestData.TopicProduceData()
                    .setName(byId ? "" : TOPIC).setTopicId(byId ? topicId : Uuid.ZERO_UUID);
                topic.partitionData().add(new ProduceRequestData.PartitionProduceData().setIndex(0).setRecords(
                    MemoryRecords.withRecords(Compression.NONE, new SimpleRecord(what.getBytes(StandardCharsets.UTF_8)))));
                request.topicData().add(topic);
                final ProduceResponseData.PartitionProduceResponse answer = ((ProduceResponseData)socket.exchange(api,
                    version, request)).responses().iterator().next().partitionResponses().get(0);
                assertEquals(Errors.NONE.code(), answer.errorCode(), what);
                assertTrue(answer.baseOffset() >= 0, what);
            }
            case FETCH ->
            {
                final FetchRequestData request = new FetchRequestData().setMaxWaitMs(0).setMinBytes(0)
                    .setMaxBytes(1 << 20).setReplicaId(-1);
                final FetchRequestData.FetchTopic topic = new FetchRequestData.FetchTopic()
                    .setTopic(byId ? "" : TOPIC).setTopicId(byId ? topicId : Uuid.ZERO_UUID);
                topic.partitions().add(new FetchRequestData.FetchPartition().setPartition(0).setFetchOffset(0)
                    .setPartitionMaxBytes(1 << 20));
                request.topics().add(topic);
                if (version >= 15)
                {
                    request.setReplicaState(new FetchRequestData.ReplicaState().setReplicaId(-1));
                }
                final FetchResponseData response = (FetchResponseData)socket.exchange(api, version, request);
                assertEquals(Errors.NONE.code(), response.errorCode(), what);
                final FetchResponseData.PartitionData partition = response.responses().get(0).partitions().get(0);
                assertEquals(Errors.NONE.code(), partition.errorCode(), what);
                assertTrue(partition.records().sizeInBytes() > 0, what + ": records served");
            }
            case LIST_OFFSETS ->
            {
                final ListOffsetsRequestData request = new ListOffsetsRequestData().setReplicaId(-1);
                final ListOffsetsRequestData.ListOffsetsTopic topic = new ListOffsetsRequestData.ListOffsetsTopic()
                    .setName(TOPIC);
                topic.partitions().add(new ListOffsetsRequestData.ListOffsetsPartition().setPartitionIndex(0)
                    .setTimestamp(-1));
                request.topics().add(topic);
                final ListOffsetsResponseData.ListOffsetsPartitionResponse answer = ((ListOffsetsResponseData)socket.exchange(
                    api, version, request)).topics().get(0).partitions().get(0);
                assertEquals(Errors.NONE.code(), answer.errorCode(), what);
                assertTrue(answer.offset() >= 1, what);
            }
            case INIT_PRODUCER_ID ->
            {
                final InitProducerIdResponseData response = (InitProducerIdResponseData)socket.exchange(api, version,
                    new InitProducerIdRequestData().setTransactionalId(null).setTransactionTimeoutMs(60_000));
                assertEquals(Errors.NONE.code(), response.errorCode(), what);
                assertTrue(response.producerId() >= 0, what);
            }
            case FIND_COORDINATOR ->
            {
                final org.apache.kafka.common.message.FindCoordinatorRequestData request =
                    new org.apache.kafka.common.message.FindCoordinatorRequestData().setKeyType((byte)0);
                if (version >= 4)
                {
                    request.setCoordinatorKeys(new ArrayList<>(List.of("g")));
                }
                else
                {
                    request.setKey("g");
                }
                final org.apache.kafka.common.message.FindCoordinatorResponseData response =
                    (org.apache.kafka.common.message.FindCoordinatorResponseData)socket.exchange(api, version, request);
                final int port = version >= 4 ? response.coordinators().get(0).port() : response.port();
                assertEquals(node.port(), port, what);
            }
            case JOIN_GROUP ->
            {
                final String group = "join-" + version;
                final org.apache.kafka.common.message.JoinGroupRequestData request =
                    new org.apache.kafka.common.message.JoinGroupRequestData().setGroupId(group)
                        .setSessionTimeoutMs(60_000).setRebalanceTimeoutMs(60_000).setMemberId("")
                        .setProtocolType("consumer");
                request.protocols().add(new org.apache.kafka.common.message.JoinGroupRequestData.JoinGroupRequestProtocol()
                    .setName("range").setMetadata(new byte[]{1, 2}));
                org.apache.kafka.common.message.JoinGroupResponseData response =
                    (org.apache.kafka.common.message.JoinGroupResponseData)socket.exchange(api, version, request);
                if (version >= 4)
                {
                    assertEquals(Errors.MEMBER_ID_REQUIRED.code(), response.errorCode(), what);
                    request.setMemberId(response.memberId());
                    response = (org.apache.kafka.common.message.JoinGroupResponseData)socket.exchange(api, version, request);
                }
                assertEquals(Errors.NONE.code(), response.errorCode(), what);
                assertEquals(response.memberId(), response.leader(), what + ": the only member leads");
                assertEquals(1, response.members().size(), what);
                joined.put(version, response);
            }
            case SYNC_GROUP ->
            {
                final org.apache.kafka.common.message.SyncGroupRequestData request =
                    new org.apache.kafka.common.message.SyncGroupRequestData().setGroupId("nobody").setGenerationId(1)
                        .setMemberId("m");
                assertEquals(Errors.UNKNOWN_MEMBER_ID.code(), ((org.apache.kafka.common.message.SyncGroupResponseData)
                    socket.exchange(api, version, request)).errorCode(), what);
            }
            case HEARTBEAT -> assertEquals(Errors.UNKNOWN_MEMBER_ID.code(),
                ((org.apache.kafka.common.message.HeartbeatResponseData)socket.exchange(api, version,
                    new org.apache.kafka.common.message.HeartbeatRequestData().setGroupId("nobody").setGenerationId(1)
                        .setMemberId("m"))).errorCode(), what);
            case LEAVE_GROUP ->
            {
                final org.apache.kafka.common.message.LeaveGroupRequestData request =
                    new org.apache.kafka.common.message.LeaveGroupRequestData().setGroupId("nobody");
                if (version >= 3)
                {
                    request.members().add(new org.apache.kafka.common.message.LeaveGroupRequestData.MemberIdentity()
                        .setMemberId("m"));
                }
                else
                {
                    request.setMemberId("m");
                }
                final org.apache.kafka.common.message.LeaveGroupResponseData response =
                    (org.apache.kafka.common.message.LeaveGroupResponseData)socket.exchange(api, version, request);
                assertEquals(Errors.UNKNOWN_MEMBER_ID.code(), version >= 3 ? response.members().get(0).errorCode() :
                    response.errorCode(), what);
            }
            case OFFSET_COMMIT ->
            {
                final org.apache.kafka.common.message.OffsetCommitRequestData request =
                    new org.apache.kafka.common.message.OffsetCommitRequestData().setGroupId("offsets")
                        .setGenerationIdOrMemberEpoch(-1).setMemberId("");
                final org.apache.kafka.common.message.OffsetCommitRequestData.OffsetCommitRequestTopic topic =
                    new org.apache.kafka.common.message.OffsetCommitRequestData.OffsetCommitRequestTopic()
                        .setName(version >= 10 ? "" : TOPIC).setTopicId(version >= 10 ? topicId : Uuid.ZERO_UUID);
                topic.partitions().add(new org.apache.kafka.common.message.OffsetCommitRequestData.OffsetCommitRequestPartition()
                    .setPartitionIndex(0).setCommittedOffset(version).setCommittedMetadata("v" + version));
                request.topics().add(topic);
                assertEquals(Errors.NONE.code(), ((org.apache.kafka.common.message.OffsetCommitResponseData)socket.exchange(
                    api, version, request)).topics().get(0).partitions().get(0).errorCode(), what);
            }
            case OFFSET_FETCH ->
            {
                final org.apache.kafka.common.message.OffsetFetchRequestData request =
                    new org.apache.kafka.common.message.OffsetFetchRequestData();
                final long committed;
                if (version >= 8)
                {
                    final org.apache.kafka.common.message.OffsetFetchRequestData.OffsetFetchRequestGroup group =
                        new org.apache.kafka.common.message.OffsetFetchRequestData.OffsetFetchRequestGroup().setGroupId("offsets");
                    group.topics().add(new org.apache.kafka.common.message.OffsetFetchRequestData.OffsetFetchRequestTopics()
                        .setName(version >= 10 ? "" : TOPIC).setTopicId(version >= 10 ? topicId : Uuid.ZERO_UUID)
                        .setPartitionIndexes(new ArrayList<>(List.of(0))));
                    request.groups().add(group);
                    committed = ((org.apache.kafka.common.message.OffsetFetchResponseData)socket.exchange(api, version,
                        request)).groups().get(0).topics().get(0).partitions().get(0).committedOffset();
                }
                else
                {
                    request.setGroupId("offsets");
                    request.topics().add(new org.apache.kafka.common.message.OffsetFetchRequestData.OffsetFetchRequestTopic()
                        .setName(TOPIC).setPartitionIndexes(new ArrayList<>(List.of(0))));
                    committed = ((org.apache.kafka.common.message.OffsetFetchResponseData)socket.exchange(api, version,
                        request)).topics().get(0).partitions().get(0).committedOffset();
                }
                assertTrue(committed >= 2, what + ": the offset an OffsetCommit above stored");
            }
            case LIST_GROUPS -> assertTrue(((org.apache.kafka.common.message.ListGroupsResponseData)socket.exchange(
                api, version, new org.apache.kafka.common.message.ListGroupsRequestData())).groups().size() > 0, what);
            case DESCRIBE_GROUPS ->
            {
                final org.apache.kafka.common.message.DescribeGroupsResponseData response =
                    (org.apache.kafka.common.message.DescribeGroupsResponseData)socket.exchange(api, version,
                        new org.apache.kafka.common.message.DescribeGroupsRequestData().setGroups(
                            new ArrayList<>(List.of("join-0"))));
                assertEquals(Errors.NONE.code(), response.groups().get(0).errorCode(), what);
                assertEquals("CompletingRebalance", response.groups().get(0).groupState(), what);
            }
            case DELETE_GROUPS ->
            {
                final org.apache.kafka.common.message.DeleteGroupsResponseData response =
                    (org.apache.kafka.common.message.DeleteGroupsResponseData)socket.exchange(api, version,
                        new org.apache.kafka.common.message.DeleteGroupsRequestData().setGroupsNames(
                            new ArrayList<>(List.of("never-" + version))));
                assertEquals(Errors.GROUP_ID_NOT_FOUND.code(), response.results().iterator().next().errorCode(), what);
            }
            case CREATE_TOPICS ->
            {
                final org.apache.kafka.common.message.CreateTopicsRequestData request =
                    new org.apache.kafka.common.message.CreateTopicsRequestData().setTimeoutMs(10_000);
                request.topics().add(new org.apache.kafka.common.message.CreateTopicsRequestData.CreatableTopic()
                    .setName("created-" + version).setNumPartitions(2).setReplicationFactor((short)1));
                assertEquals(Errors.NONE.code(), ((org.apache.kafka.common.message.CreateTopicsResponseData)socket.exchange(
                    api, version, request)).topics().find("created-" + version).errorCode(), what);
            }
            case DELETE_TOPICS ->
            {
                final org.apache.kafka.common.message.DeleteTopicsRequestData request =
                    new org.apache.kafka.common.message.DeleteTopicsRequestData().setTimeoutMs(10_000);
                final String name = "created-" + (version + 1);
                if (version >= 6)
                {
                    request.topics().add(new org.apache.kafka.common.message.DeleteTopicsRequestData.DeleteTopicState()
                        .setName(name));
                }
                else
                {
                    request.topicNames().add(name);
                }
                assertEquals(Errors.NONE.code(), ((org.apache.kafka.common.message.DeleteTopicsResponseData)socket.exchange(
                    api, version, request)).responses().iterator().next().errorCode(), what);
            }
            case DESCRIBE_CLUSTER ->
            {
                final org.apache.kafka.common.message.DescribeClusterResponseData response =
                    (org.apache.kafka.common.message.DescribeClusterResponseData)socket.exchange(api, version,
                        new org.apache.kafka.common.message.DescribeClusterRequestData());
                assertEquals(Errors.NONE.code(), response.errorCode(), what);
                assertEquals(node.port(), response.brokers().iterator().next().port(), what);
            }
            case DESCRIBE_CONFIGS ->
            {
                final org.apache.kafka.common.message.DescribeConfigsRequestData request =
                    new org.apache.kafka.common.message.DescribeConfigsRequestData();
                request.resources().add(new org.apache.kafka.common.message.DescribeConfigsRequestData.DescribeConfigsResource()
                    .setResourceType((byte)2).setResourceName(TOPIC).setConfigurationKeys(null));
                final org.apache.kafka.common.message.DescribeConfigsResponseData response =
                    (org.apache.kafka.common.message.DescribeConfigsResponseData)socket.exchange(api, version, request);
                assertEquals(Errors.NONE.code(), response.results().get(0).errorCode(), what);
                assertTrue(response.results().get(0).configs().stream().anyMatch(c -> c.name().equals("retention.ms")), what);
            }
            case CREATE_PARTITIONS ->
            {
                final org.apache.kafka.common.message.CreatePartitionsRequestData request =
                    new org.apache.kafka.common.message.CreatePartitionsRequestData().setTimeoutMs(10_000);
                request.topics().add(new org.apache.kafka.common.message.CreatePartitionsRequestData
                    .CreatePartitionsTopic().setName(TOPIC).setCount(2 + version).setAssignments(null));
                final org.apache.kafka.common.message.CreatePartitionsResponseData response =
                    (org.apache.kafka.common.message.CreatePartitionsResponseData)socket.exchange(api, version, request);
                assertEquals(Errors.NONE.code(), response.results().get(0).errorCode(),
                    what + ": " + response.results().get(0).errorMessage());
            }
            case ALTER_CONFIGS ->
            {
                final org.apache.kafka.common.message.AlterConfigsRequestData request =
                    new org.apache.kafka.common.message.AlterConfigsRequestData();
                final org.apache.kafka.common.message.AlterConfigsRequestData.AlterConfigsResource resource =
                    new org.apache.kafka.common.message.AlterConfigsRequestData.AlterConfigsResource()
                        .setResourceType((byte)2).setResourceName(TOPIC);
                resource.configs().add(new org.apache.kafka.common.message.AlterConfigsRequestData.AlterableConfig()
                    .setName("retention.ms").setValue(Long.toString(3_600_000 + version)));
                request.resources().add(resource);
                final org.apache.kafka.common.message.AlterConfigsResponseData response =
                    (org.apache.kafka.common.message.AlterConfigsResponseData)socket.exchange(api, version, request);
                assertEquals(Errors.NONE.code(), response.responses().get(0).errorCode(),
                    what + ": " + response.responses().get(0).errorMessage());
            }
            case INCREMENTAL_ALTER_CONFIGS ->
            {
                final org.apache.kafka.common.message.IncrementalAlterConfigsRequestData request =
                    new org.apache.kafka.common.message.IncrementalAlterConfigsRequestData();
                final org.apache.kafka.common.message.IncrementalAlterConfigsRequestData.AlterConfigsResource resource =
                    new org.apache.kafka.common.message.IncrementalAlterConfigsRequestData.AlterConfigsResource()
                        .setResourceType((byte)2).setResourceName(TOPIC);
                resource.configs().add(new org.apache.kafka.common.message.IncrementalAlterConfigsRequestData
                    .AlterableConfig().setName("retention.bytes").setConfigOperation((byte)0)
                    .setValue(Long.toString(1_048_576 + version)));
                request.resources().add(resource);
                final org.apache.kafka.common.message.IncrementalAlterConfigsResponseData response =
                    (org.apache.kafka.common.message.IncrementalAlterConfigsResponseData)socket.exchange(api, version,
                        request);
                assertEquals(Errors.NONE.code(), response.responses().get(0).errorCode(),
                    what + ": " + response.responses().get(0).errorMessage());
            }
            case DELETE_RECORDS ->
            {
                final org.apache.kafka.common.message.DeleteRecordsRequestData request =
                    new org.apache.kafka.common.message.DeleteRecordsRequestData().setTimeoutMs(10_000);
                final org.apache.kafka.common.message.DeleteRecordsRequestData.DeleteRecordsTopic topic =
                    new org.apache.kafka.common.message.DeleteRecordsRequestData.DeleteRecordsTopic().setName(TOPIC);
                topic.partitions().add(new org.apache.kafka.common.message.DeleteRecordsRequestData.DeleteRecordsPartition()
                    .setPartitionIndex(0).setOffset(version));
                request.topics().add(topic);
                final org.apache.kafka.common.message.DeleteRecordsResponseData.DeleteRecordsPartitionResult result =
                    ((org.apache.kafka.common.message.DeleteRecordsResponseData)socket.exchange(api, version, request))
                        .topics().iterator().next().partitions().iterator().next();
                assertEquals(Errors.NONE.code(), result.errorCode(), what);
                assertTrue(result.lowWatermark() >= 0, what);
            }
            case SASL_HANDSHAKE -> assertEquals(Errors.ILLEGAL_SASL_STATE.code(),
                ((org.apache.kafka.common.message.SaslHandshakeResponseData)socket.exchange(api, version,
                    new org.apache.kafka.common.message.SaslHandshakeRequestData().setMechanism("PLAIN"))).errorCode(),
                what + ": no SASL on this listener");
            case SASL_AUTHENTICATE -> assertEquals(Errors.ILLEGAL_SASL_STATE.code(),
                ((org.apache.kafka.common.message.SaslAuthenticateResponseData)socket.exchange(api, version,
                    new org.apache.kafka.common.message.SaslAuthenticateRequestData().setAuthBytes(new byte[0])))
                    .errorCode(), what + ": no SASL on this listener");
            case DESCRIBE_ACLS ->
            {
                final org.apache.kafka.common.message.DescribeAclsResponseData response =
                    (org.apache.kafka.common.message.DescribeAclsResponseData)socket.exchange(api, version,
                        new org.apache.kafka.common.message.DescribeAclsRequestData()
                            .setResourceTypeFilter(org.apache.kafka.common.resource.ResourceType.ANY.code())
                            .setResourceNameFilter(null).setPrincipalFilter(null).setHostFilter(null)
                            .setPatternTypeFilter(org.apache.kafka.common.resource.PatternType.ANY.code())
                            .setOperation(org.apache.kafka.common.acl.AclOperation.ANY.code())
                            .setPermissionType(org.apache.kafka.common.acl.AclPermissionType.ANY.code()));
                assertEquals(Errors.NONE.code(), response.errorCode(), what);
                assertTrue(response.resources().isEmpty(), what + ": no rule yet");
            }
            case CREATE_ACLS ->
            {
                final org.apache.kafka.common.message.CreateAclsRequestData request =
                    new org.apache.kafka.common.message.CreateAclsRequestData();
                request.creations().add(new org.apache.kafka.common.message.CreateAclsRequestData.AclCreation()
                    .setResourceType(org.apache.kafka.common.resource.ResourceType.TOPIC.code())
                    .setResourceName("acl-v" + version)
                    .setResourcePatternType(org.apache.kafka.common.resource.PatternType.LITERAL.code())
                    .setPrincipal("User:every-version").setHost("*")
                    .setOperation(org.apache.kafka.common.acl.AclOperation.READ.code())
                    .setPermissionType(org.apache.kafka.common.acl.AclPermissionType.ALLOW.code()));
                final org.apache.kafka.common.message.CreateAclsResponseData.AclCreationResult result =
                    ((org.apache.kafka.common.message.CreateAclsResponseData)socket.exchange(api, version, request))
                        .results().get(0);
                assertEquals(Errors.NONE.code(), result.errorCode(), what + ": " + result.errorMessage());
            }
            case DELETE_ACLS ->
            {
                final org.apache.kafka.common.message.DeleteAclsRequestData request =
                    new org.apache.kafka.common.message.DeleteAclsRequestData();
                request.filters().add(new org.apache.kafka.common.message.DeleteAclsRequestData.DeleteAclsFilter()
                    .setResourceTypeFilter(org.apache.kafka.common.resource.ResourceType.TOPIC.code())
                    .setResourceNameFilter("acl-v" + version)
                    .setPatternTypeFilter(org.apache.kafka.common.resource.PatternType.LITERAL.code())
                    .setPrincipalFilter("User:every-version").setHostFilter(null)
                    .setOperation(org.apache.kafka.common.acl.AclOperation.ANY.code())
                    .setPermissionType(org.apache.kafka.common.acl.AclPermissionType.ANY.code()));
                final org.apache.kafka.common.message.DeleteAclsResponseData.DeleteAclsFilterResult result =
                    ((org.apache.kafka.common.message.DeleteAclsResponseData)socket.exchange(api, version, request))
                        .filterResults().get(0);
                assertEquals(Errors.NONE.code(), result.errorCode(), what);
                assertEquals(1, result.matchingAcls().size(), what + ": the rule CreateAcls made in this version");
                assertEquals("acl-v" + version, result.matchingAcls().get(0).resourceName(), what);
            }
            case OFFSET_DELETE ->
            {
                final org.apache.kafka.common.message.OffsetDeleteRequestData request =
                    new org.apache.kafka.common.message.OffsetDeleteRequestData().setGroupId("offsets");
                final org.apache.kafka.common.message.OffsetDeleteRequestData.OffsetDeleteRequestTopic topic =
                    new org.apache.kafka.common.message.OffsetDeleteRequestData.OffsetDeleteRequestTopic().setName(TOPIC);
                topic.partitions().add(new org.apache.kafka.common.message.OffsetDeleteRequestData.OffsetDeleteRequestPartition()
                    .setPartitionIndex(0));
                request.topics().add(topic);
                final org.apache.kafka.common.message.OffsetDeleteResponseData response =
                    (org.apache.kafka.common.message.OffsetDeleteResponseData)socket.exchange(api, version, request);
                assertEquals(Errors.NONE.code(), response.errorCode(), what);
                assertEquals(Errors.NONE.code(), response.topics().find(TOPIC).partitions().find(0).errorCode(),
                    what + ": the offset OffsetCommit stored is deleted");
            }
            default -> throw new AssertionError(what + " is advertised, and this test does not know how to ask it");
        }
    }
}
