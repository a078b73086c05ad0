package io.robustmq.plugin.api.metadata;

import java.util.Objects;

/**
 * One of the cluster's ACL rules: who ({@code principal}) may or may not ({@code permission}) do what
 * ({@code operation}) to which resources ({@code resource} of a type, named exactly, by prefix, or
 * {@code *} for every name). A resource name may hold {@code %u} and {@code %c}, standing for the
 * user's name and the client's id of each request.
 *
 * @param principal    a user's name, or {@link #WILDCARD} for anyone.
 * @param resource     the kind of resource.
 * @param pattern      how {@code resourceName} matches.
 * @param resourceName a name, a prefix (PREFIXED), or {@link #WILDCARD} (LITERAL) for every name.
 * @param operation    what is allowed or denied; ALL covers every operation.
 * @param permission   ALLOW or DENY.
 */
public record AclRuleInfo(
    String principal,
    AclResource resource,
    AclPattern pattern,
    String resourceName,
    AclOperation operation,
    AclPermission permission)
{
    /** As a principal, anyone; as a LITERAL resource name, every name. */
    public static final String WILDCARD = "*";

    /**
     * @throws NullPointerException if a field is null.
     */
    public AclRuleInfo
    {
        Objects.requireNonNull(principal, "principal");
        Objects.requireNonNull(resource, "resource");
        Objects.requireNonNull(pattern, "pattern");
        Objects.requireNonNull(resourceName, "resourceName");
        Objects.requireNonNull(operation, "operation");
        Objects.requireNonNull(permission, "permission");
    }
}
