package io.robustmq.plugin.kafka.api;

import io.robustmq.plugin.api.metadata.AclOperation;
import io.robustmq.plugin.api.metadata.AclResource;
import io.robustmq.plugin.api.metadata.Metadata;

/**
 * The cluster's ACL rules, asked for a connection's user (anonymous on listeners without SASL) and
 * client id. Kafka's resources and operations map directly: a topic's READ (Fetch, ListOffsets),
 * WRITE (Produce), CREATE, DELETE (DeleteTopics, DeleteRecords) and DESCRIBE (Metadata,
 * DescribeConfigs); a group's READ (joining, committing and fetching offsets) and DELETE; the
 * cluster's DESCRIBE (DescribeAcls) and ALTER (CreateAcls, DeleteAcls), as a CLUSTER resource named
 * {@value #CLUSTER_NAME}, Kafka's name for it.
 */
final class Access
{
    /** The one name of the CLUSTER resource, in Kafka's ACLs and in the cluster's rules for Kafka. */
    static final String CLUSTER_NAME = "kafka-cluster";

    private final Metadata metadata;

    Access(final Metadata metadata)
    {
        this.metadata = metadata;
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
