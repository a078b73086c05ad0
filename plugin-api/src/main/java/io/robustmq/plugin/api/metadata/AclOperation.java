package io.robustmq.plugin.api.metadata;

/**
 * What an ACL rule allows or denies; a rule for ALL covers every operation.
 */
public enum AclOperation
{
    ALL, READ, WRITE, CREATE, DELETE, DESCRIBE, ALTER
}
