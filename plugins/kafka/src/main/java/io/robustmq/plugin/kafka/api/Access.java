package io.robustmq.plugin.kafka.api;

import io.robustmq.plugin.api.metadata.AclOperation;
import io.robustmq.plugin.api.metadata.AclResource;
import io.robustmq.plugin.api.metadata.Metadata;
import io.robustmq.plugin.api.metadata.TopicInfo;
import org.apache.kafka.common.protocol.Errors;

import java.util.Optional;

/**
 * The cluster's ACL rules, asked for a connection's user (anonymous on listeners without SASL) and
 * client id. Kafka's resources and operations map directly: a topic's READ (Fetch, ListOffsets),
 * WRITE (Produce), CREATE, DELETE (DeleteTopics, DeleteRecords) and DESCRIBE (Metadata,
 * DescribeConfigs); a group's READ (joining, committing and fetching offsets) and DELETE; the
 * cluster's DESCRIBE (DescribeAcls) and ALTER (CreateAcls, DeleteAcls), as a CLUSTER resource named
 * {@value #CLUSTER_NAME}, Kafka's name for it. Given the {@link Brokers}, it also answers the
 * whole question a partition or group request asks first, in one place for every API: may this
 * client do this, here ({@link #partitionRefusal}, {@link #groupRefusal})?
 */
final class Access
{
    /** The one name of the CLUSTER resource, in Kafka's ACLs and in the cluster's rules for Kafka. */
    static final String CLUSTER_NAME = "kafka-cluster";

    private final Metadata metadata;
    private final Brokers brokers;

    /**
     * For the rules alone.
     */
    Access(final Metadata metadata)
    {
        this(metadata, null);
    }

    /**
     * For the rules, and whether this node leads a partition or coordinates a group.
     */
    Access(final Metadata metadata, final Brokers brokers)
    {
        this.metadata = metadata;
        this.brokers = brokers;
    }

    /**
     * Why a request may not act on a partition here, in the order a Kafka broker checks: the rules
     * (for a topic that exists), the topic and partition, then this node's leadership.
     *
     * @param byId true when the request names topics by id (an unknown one is UNKNOWN_TOPIC_ID).
     * @return the error, or null when it may.
     */
    Errors partitionRefusal(final ClientConnection connection, final AclOperation operation,
        final Optional<TopicInfo> topic, final int partition, final boolean byId)
    {
        if (topic.isPresent() && !topic(connection, operation, topic.get().name()))
        {
            return Errors.TOPIC_AUTHORIZATION_FAILED;
        }
        if (topic.isEmpty())
        {
            return byId ? Errors.UNKNOWN_TOPIC_ID : Errors.UNKNOWN_TOPIC_OR_PARTITION;
        }
        if (partition < 0 || partition >= topic.get().partitions())
        {
            return Errors.UNKNOWN_TOPIC_OR_PARTITION;
        }
        return brokers.leads(topic.get().name(), partition) ? null : Errors.NOT_LEADER_OR_FOLLOWER;
    }

    /**
     * Why a request may not act on a group here: the rules, then whether this node coordinates it.
     *
     * @return the error, or null when it may.
     */
    Errors groupRefusal(final ClientConnection connection, final AclOperation operation, final String groupId)
    {
        if (!group(connection, operation, groupId))
        {
            return Errors.GROUP_AUTHORIZATION_FAILED;
        }
        return brokers.coordinates(groupId) ? null : Errors.NOT_COORDINATOR;
    }

    boolean topic(final ClientConnection connection, final AclOperation operation, final String topic)
    {
        return metadata.allowed(connection.user(), connection.clientId(), operation, AclResource.TOPIC, topic);
    }

    boolean group(final ClientConnection connection, final AclOperation operation, final String group)
    {
        return metadata.allowed(connection.user(), connection.clientId(), operation, AclResource.GROUP, group);
    }

    boolean cluster(final ClientConnection connection, final AclOperation operation)
    {
        return metadata.allowed(connection.user(), connection.clientId(), operation, AclResource.CLUSTER, CLUSTER_NAME);
    }
}
