package io.robustmq.plugin.kafka.api;

import io.robustmq.plugin.api.metadata.AclPattern;
import io.robustmq.plugin.api.metadata.AclPermission;
import io.robustmq.plugin.api.metadata.AclResource;
import io.robustmq.plugin.api.metadata.AclRuleInfo;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.acl.AclPermissionType;
import org.apache.kafka.common.resource.PatternType;
import org.apache.kafka.common.resource.ResourceType;

/**
 * Kafka's ACL bindings and binding filters, as the cluster's rules ({@link AclRuleInfo}) hold them.
 * <ul>
 *   <li>Principal {@code User:alice} is the rule of user {@code alice}, {@code User:*} the rule of
 *       anyone ({@code *}); a rule has no other kind of principal.</li>
 *   <li>Host: a rule applies from every host, so a binding's host is {@code *}.</li>
 *   <li>Resource types TOPIC, GROUP and CLUSTER (whose one name is {@value Access#CLUSTER_NAME});
 *       pattern types LITERAL and PREFIXED; operations ALL, READ, WRITE, CREATE, DELETE, DESCRIBE and
 *       ALTER; permissions ALLOW and DENY.</li>
 * </ul>
 * A filter (DescribeAcls, DeleteAcls) may also say ANY for each of them, and MATCH for the pattern
 * type (the rules that would cover the name given); a filter naming a principal, host, resource type
 * or operation the rules cannot have matches no rule.
 */
final class AclBindings
{
    /** The kind of principal the rules speak of. */
    static final String USER_PREFIX = "User:";
    /** The only host a rule has. */
    static final String ANY_HOST = "*";

    private AclBindings()
    {
    }

    /**
     * A binding or filter the rules cannot hold: Kafka's INVALID_REQUEST, with why.
     */
    static final class Refused extends Exception
    {
        private static final long serialVersionUID = 1L;

        Refused(final String message)
        {
            super(message, null, false, false);
        }
    }

    /**
     * @return the rule a CreateAcls creation asks for.
     * @throws Refused saying what the rules cannot hold.
     */
    static AclRuleInfo rule(final byte resourceType, final String resourceName, final byte patternType,
        final String principal, final String host, final byte operation, final byte permission) throws Refused
    {
        final AclResource resource = resource(ResourceType.fromCode(resourceType));
        if (resource == null)
        {
            throw invalid("resource type " + ResourceType.fromCode(resourceType) + " (" + resourceType +
                ") has no ACL rules here: TOPIC, GROUP and CLUSTER do");
        }
        final PatternType kafkaPattern = PatternType.fromCode(patternType);
        if (kafkaPattern != PatternType.LITERAL && kafkaPattern != PatternType.PREFIXED)
        {
            throw invalid("pattern type " + kafkaPattern + " (" + patternType + ") is not one a rule can have: " +
                "LITERAL or PREFIXED");
        }
        if (resourceName == null || resourceName.isEmpty())
        {
            throw invalid("the resource name is empty");
        }
        if (resource == AclResource.CLUSTER &&
            (kafkaPattern != PatternType.LITERAL || !Access.CLUSTER_NAME.equals(resourceName)))
        {
            throw invalid("the only CLUSTER resource is the LITERAL name " + Access.CLUSTER_NAME);
        }
        final String user = user(principal);
        if (user == null || user.isEmpty())
        {
            throw invalid("principal " + principal + " is not one a rule can have: User:<name>, or User:* for anyone");
        }
        if (!ANY_HOST.equals(host))
        {
            throw invalid("host " + host + ": the rules apply from every host, so the host must be " + ANY_HOST);
        }
        final io.robustmq.plugin.api.metadata.AclOperation ours = operation(AclOperation.fromCode(operation));
        if (ours == null)
        {
            throw invalid("operation " + AclOperation.fromCode(operation) + " (" + operation + ") is not one a rule " +
                "can have: ALL, READ, WRITE, CREATE, DELETE, DESCRIBE or ALTER");
        }
        final AclPermissionType kafkaPermission = AclPermissionType.fromCode(permission);
        if (kafkaPermission != AclPermissionType.ALLOW && kafkaPermission != AclPermissionType.DENY)
        {
            throw invalid("permission type " + kafkaPermission + " (" + permission + ") is not ALLOW or DENY");
        }
        return new AclRuleInfo(user, resource, kafkaPattern == PatternType.LITERAL ? AclPattern.LITERAL :
            AclPattern.PREFIXED, resourceName, ours, kafkaPermission == AclPermissionType.ALLOW ?
            AclPermission.ALLOW : AclPermission.DENY);
    }

    /**
     * @return the filter of DescribeAcls or of one DeleteAcls filter.
     * @throws Refused if a field is UNKNOWN (a code Kafka does not define).
     */
    static Filter filter(final byte resourceType, final String resourceName, final byte patternType,
        final String principal, final String host, final byte operation, final byte permission) throws Refused
    {
        final ResourceType kafkaResource = ResourceType.fromCode(resourceType);
        final PatternType kafkaPattern = PatternType.fromCode(patternType);
        final AclOperation kafkaOperation = AclOperation.fromCode(operation);
        final AclPermissionType kafkaPermission = AclPermissionType.fromCode(permission);
        if (kafkaResource == ResourceType.UNKNOWN || kafkaPattern == PatternType.UNKNOWN ||
            kafkaOperation == AclOperation.UNKNOWN || kafkaPermission == AclPermissionType.UNKNOWN)
        {
            throw invalid("the filter has an UNKNOWN field: resource type " + resourceType + ", pattern type " +
                patternType + ", operation " + operation + ", permission type " + permission);
        }
        final boolean anyResource = kafkaResource == ResourceType.ANY;
        final AclResource resource = anyResource ? null : resource(kafkaResource);
        final boolean anyOperation = kafkaOperation == AclOperation.ANY;
        final io.robustmq.plugin.api.metadata.AclOperation ours = anyOperation ? null : operation(kafkaOperation);
        final String user = principal == null ? null : user(principal);
        final boolean possible = (anyResource || resource != null) && (anyOperation || ours != null) &&
            (principal == null || user != null) && (host == null || ANY_HOST.equals(host));
        return new Filter(possible, resource, resourceName, kafkaPattern, user, ours,
            kafkaPermission == AclPermissionType.ANY ? null : kafkaPermission == AclPermissionType.ALLOW ?
                AclPermission.ALLOW : AclPermission.DENY);
    }

    /**
     * Which rules a filter selects.
     *
     * @param possible     false if the filter names something no rule can have: it matches nothing.
     * @param resource     the rules' resource type, or null for any.
     * @param resourceName the name (MATCH: the resource's name), or null for any.
     * @param pattern      LITERAL, PREFIXED, ANY or MATCH.
     * @param user         the rules' principal, or null for any.
     * @param operation    the rules' operation, or null for any.
     * @param permission   the rules' permission, or null for any.
     */
    record Filter(boolean possible, AclResource resource, String resourceName, PatternType pattern, String user,
        io.robustmq.plugin.api.metadata.AclOperation operation, AclPermission permission)
    {
        boolean matches(final AclRuleInfo rule)
        {
            return possible &&
                (resource == null || resource == rule.resource()) &&
                (user == null || user.equals(rule.principal())) &&
                (operation == null || operation == rule.operation()) &&
                (permission == null || permission == rule.permission()) &&
                matchesPattern(rule);
        }

        private boolean matchesPattern(final AclRuleInfo rule)
        {
            return switch (pattern)
            {
                case LITERAL -> rule.pattern() == AclPattern.LITERAL && nameIs(rule);
                case PREFIXED -> rule.pattern() == AclPattern.PREFIXED && nameIs(rule);
                case MATCH -> resourceName == null || (rule.pattern() == AclPattern.LITERAL ?
                    rule.resourceName().equals(resourceName) || AclRuleInfo.WILDCARD.equals(rule.resourceName()) :
                    resourceName.startsWith(rule.resourceName()));
                default -> nameIs(rule);
            };
        }

        private boolean nameIs(final AclRuleInfo rule)
        {
            return resourceName == null || resourceName.equals(rule.resourceName());
        }
    }

    /**
     * @return the rule's principal as Kafka writes it.
     */
    static String principal(final AclRuleInfo rule)
    {
        return USER_PREFIX + rule.principal();
    }

    static byte resourceType(final AclResource resource)
    {
        return switch (resource)
        {
            case TOPIC -> ResourceType.TOPIC.code();
            case GROUP -> ResourceType.GROUP.code();
            case CLUSTER -> ResourceType.CLUSTER.code();
        };
    }

    static byte patternType(final AclPattern pattern)
    {
        return pattern == AclPattern.LITERAL ? PatternType.LITERAL.code() : PatternType.PREFIXED.code();
    }

    static byte operation(final io.robustmq.plugin.api.metadata.AclOperation operation)
    {
        return AclOperation.valueOf(operation.name()).code();
    }

    static byte permission(final AclPermission permission)
    {
        return permission == AclPermission.ALLOW ? AclPermissionType.ALLOW.code() : AclPermissionType.DENY.code();
    }

    /**
     * @return the user a principal names ({@code *} for {@code User:*}), or null if it names another
     * kind of principal.
     */
    private static String user(final String principal)
    {
        return principal != null && principal.startsWith(USER_PREFIX) ? principal.substring(USER_PREFIX.length()) : null;
    }

    private static AclResource resource(final ResourceType type)
    {
        return switch (type)
        {
            case TOPIC -> AclResource.TOPIC;
            case GROUP -> AclResource.GROUP;
            case CLUSTER -> AclResource.CLUSTER;
            default -> null;
        };
    }

    private static io.robustmq.plugin.api.metadata.AclOperation operation(final AclOperation operation)
    {
        return switch (operation)
        {
            case ALL -> io.robustmq.plugin.api.metadata.AclOperation.ALL;
            case READ -> io.robustmq.plugin.api.metadata.AclOperation.READ;
            case WRITE -> io.robustmq.plugin.api.metadata.AclOperation.WRITE;
            case CREATE -> io.robustmq.plugin.api.metadata.AclOperation.CREATE;
            case DELETE -> io.robustmq.plugin.api.metadata.AclOperation.DELETE;
            case DESCRIBE -> io.robustmq.plugin.api.metadata.AclOperation.DESCRIBE;
            case ALTER -> io.robustmq.plugin.api.metadata.AclOperation.ALTER;
            default -> null;
        };
    }

    private static Refused invalid(final String message)
    {
        return new Refused(message);
    }
}
