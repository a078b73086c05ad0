package io.robustmq.plugin.api.metadata;

/**
 * The kinds of resource ACL rules speak of.
 */
public enum AclResource
{
    TOPIC, GROUP, CLUSTER
}
