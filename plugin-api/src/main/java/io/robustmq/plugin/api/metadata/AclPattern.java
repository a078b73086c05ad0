package io.robustmq.plugin.api.metadata;

/**
 * How an ACL rule's resource name matches: exactly (the name {@code *} matching every name), or as a
 * prefix.
 */
public enum AclPattern
{
    LITERAL, PREFIXED
}
