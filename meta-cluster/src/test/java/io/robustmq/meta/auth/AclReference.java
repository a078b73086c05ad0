package io.robustmq.meta.auth;

import io.robustmq.meta.codecs.AclOperationCode;
import io.robustmq.meta.codecs.AclPermissionCode;
import io.robustmq.meta.codecs.AclResourceCode;

import java.util.Collection;

/**
 * The specification {@link AclIndex} is checked against: every rule scanned, as the Meta Service
 * decided before the index. Decides a request against a set of {@link AclRule}s, as Kafka's
 * authorizer does: a matching DENY
 * refuses; else a matching ALLOW permits; else, if no rule at all covers the resource, the answer is
 * {@code allowIfNoRule} (the cluster setting {@code acl.allow_if_no_rule}); else refused.
 */
final class AclReference
{
    private AclReference()
    {
    }

    /**
     * @param rules         every rule.
     * @param allowIfNoRule the answer for a resource no rule covers.
     * @param user          who asks (empty for an anonymous client).
     * @param clientId      the asking client's id, for {@code %c} (empty if none).
     * @param operation     what for.
     * @param resource      the kind of resource.
     * @param name          its name.
     * @return true if allowed.
     */
    static boolean allowed(
        final Collection<AclRule> rules,
        final boolean allowIfNoRule,
        final String user,
        final String clientId,
        final AclOperationCode operation,
        final AclResourceCode resource,
        final String name)
    {
        boolean covered = false;
        boolean allow = false;
        for (final AclRule rule : rules)
        {
            if (!rule.covers(resource, name, user, clientId))
            {
                continue;
            }
            covered = true;
            if (rule.appliesTo(user, operation))
            {
                if (rule.permission() == AclPermissionCode.DENY)
                {
                    return false;
                }
                allow = true;
            }
        }
        return allow || (!covered && allowIfNoRule);
    }
}
