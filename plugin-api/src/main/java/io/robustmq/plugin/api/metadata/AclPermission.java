package io.robustmq.plugin.api.metadata;

/**
 * What an ACL rule says: a matching DENY refuses, whatever any ALLOW says.
 */
public enum AclPermission
{
    ALLOW, DENY
}
