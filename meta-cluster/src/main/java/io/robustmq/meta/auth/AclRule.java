package io.robustmq.meta.auth;

import io.robustmq.meta.codecs.AclOperationCode;
import io.robustmq.meta.codecs.AclPatternCode;
import io.robustmq.meta.codecs.AclPermissionCode;
import io.robustmq.meta.codecs.AclResourceCode;

/**
 * One access rule, as Kafka's ACLs have them: who ({@code principal}, a user name or {@code *})
 * may or may not ({@code permission}) do what ({@code operation}) to which resources ({@code resource}
 * of a type, named exactly, by prefix, or {@code *} for all). A resource name may hold {@code %u}
 * and {@code %c}, replaced by the user's name and the client's id of each request, as Mosquitto's
 * pattern ACLs do: {@code devices/%c/#} gives each client its own subtree. Such a rule does not
 * cover a request that has no user name (or no client id) to put in.
 *
 * @param principal    a user name, or {@code *} for anyone.
 * @param resource     the kind of resource.
 * @param pattern      how {@code resourceName} matches.
 * @param resourceName a name; a prefix if {@code pattern} is PREFIXED; {@code *} (LITERAL) matches every name.
 * @param operation    what is allowed or denied; ALL covers every operation.
 * @param permission   ALLOW or DENY; a matching DENY wins over any ALLOW.
 */
public record AclRule(
    String principal,
    AclResourceCode resource,
    AclPatternCode pattern,
    String resourceName,
    AclOperationCode operation,
    AclPermissionCode permission)
{
    /** Matches every principal, or (as a LITERAL resource name) every resource. */
    public static final String WILDCARD = "*";

    /**
     * @param type     a resource's type.
     * @param name     its name.
     * @param user     the user asking, or empty.
     * @param clientId the asking client's id, or empty.
     * @return true if this rule speaks of that resource, once {@code %u} and {@code %c} are put in.
     */
    public boolean covers(final AclResourceCode type, final String name, final String user, final String clientId)
    {
        if (type != resource)
        {
            return false;
        }
        final String expected = substituted(user, clientId);
        if (expected == null)
        {
            return false;
        }
        return switch (pattern)
        {
            case LITERAL -> WILDCARD.equals(expected) || expected.equals(name);
            case PREFIXED -> name.startsWith(expected);
            default -> false;
        };
    }

    private String substituted(final String user, final String clientId)
    {
        if (resourceName.indexOf('%') < 0)
        {
            return resourceName;
        }
        final boolean needsUser = resourceName.contains("%u");
        final boolean needsClient = resourceName.contains("%c");
        if ((needsUser && user.isEmpty()) || (needsClient && clientId.isEmpty()))
        {
            return null;
        }
        return resourceName.replace("%u", user).replace("%c", clientId);
    }

    /**
     * @param user the user asking.
     * @param op   the operation asked for.
     * @return true if this rule applies to that user and operation.
     */
    public boolean appliesTo(final String user, final AclOperationCode op)
    {
        return (WILDCARD.equals(principal) || principal.equals(user)) &&
            (operation == AclOperationCode.ALL || operation == op);
    }

    /**
     * @return true if every field holds a value a rule may have.
     */
    public boolean valid()
    {
        return !principal.isEmpty() && !resourceName.isEmpty() &&
            resource != AclResourceCode.NULL_VAL && pattern != AclPatternCode.NULL_VAL &&
            operation != AclOperationCode.NULL_VAL && permission != AclPermissionCode.NULL_VAL;
    }
}
