package io.robustmq.meta.auth;

import io.robustmq.meta.codecs.AclOperationCode;
import io.robustmq.meta.codecs.AclPatternCode;
import io.robustmq.meta.codecs.AclPermissionCode;
import io.robustmq.meta.codecs.AclResourceCode;
import org.agrona.collections.Long2ObjectHashMap;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * The ACL rules compiled for decisions, built once per change of the rules: a decision looks at the
 * rules that may cover the resource, not at every rule, and allocates nothing.
 * <p>
 * Decisions are Kafka's: a matching DENY refuses; else a matching ALLOW permits; else, if no rule at
 * all (for any principal) covers the resource, the answer is {@code allowIfNoRule}; else refused.
 * <p>
 * Per resource type, the rules sit in four places:
 * <ul>
 *   <li>literal names: a hash map from the name to its rules;</li>
 *   <li>the literal {@code *}: a list, covering every name;</li>
 *   <li>prefixes: a map from (prefix length, hash of the prefix) to the rules of that prefix; a
 *       decision hashes the name one character at a time (as {@link String#hashCode} does) and looks
 *       up each length some prefix has, then compares the characters;</li>
 *   <li>names with {@code %u} or {@code %c}: a list of rules with their names cut into literal parts
 *       and placeholders, matched against the name part by part, without building the substituted
 *       name (such a rule does not cover a request that has no user name, or no client id, to put
 *       in).</li>
 * </ul>
 * A user name or client id put into a pattern is matched as text: a client whose id is {@code *}
 * does not match every name through {@code %c}, and a user name holding {@code %c} is not
 * substituted again. (The scan of every rule this replaced did both: a client could claim every
 * topic by calling itself {@code *}.)
 * Threading: immutable once built; any thread may decide.
 */
public final class AclIndex
{
    /** An index of no rules. */
    public static final AclIndex EMPTY = new AclIndex(List.of(), true);

    private static final Rule[] NO_RULES = new Rule[0];

    private final ByType[] types = new ByType[AclResourceCode.values().length];
    private final boolean allowIfNoRule;

    /**
     * @param rules         every rule.
     * @param allowIfNoRule the answer for a resource no rule covers.
     */
    public AclIndex(final Collection<AclRule> rules, final boolean allowIfNoRule)
    {
        this.allowIfNoRule = allowIfNoRule;
        final Map<AclResourceCode, List<AclRule>> byType = new HashMap<>();
        for (final AclRule rule : rules)
        {
            byType.computeIfAbsent(rule.resource(), type -> new ArrayList<>()).add(rule);
        }
        for (final Map.Entry<AclResourceCode, List<AclRule>> entry : byType.entrySet())
        {
            types[entry.getKey().ordinal()] = new ByType(entry.getValue());
        }
    }

    /**
     * @return the answer for a resource no rule covers.
     */
    public boolean allowIfNoRule()
    {
        return allowIfNoRule;
    }

    /**
     * @param user      who asks (empty for an anonymous client).
     * @param clientId  the asking client's id, for {@code %c} (empty if none).
     * @param operation what for.
     * @param resource  the kind of resource.
     * @param name      its name.
     * @return true if allowed.
     */
    public boolean allowed(
        final String user,
        final String clientId,
        final AclOperationCode operation,
        final AclResourceCode resource,
        final String name)
    {
        final ByType rules = resource.ordinal() < types.length ? types[resource.ordinal()] : null;
        if (rules == null)
        {
            return allowIfNoRule;
        }
        final int verdict = rules.decide(user, clientId, operation, name);
        return verdict == ALLOWED || (verdict == NOT_COVERED && allowIfNoRule);
    }

    private static final int NOT_COVERED = 0;
    private static final int COVERED = 1;
    private static final int ALLOWED = 2;
    private static final int DENIED = 3;

    /** One rule, reduced to what a decision compares. */
    private static final class Rule
    {
        final String principal;
        final boolean anyPrincipal;
        final AclOperationCode operation;
        final boolean deny;

        Rule(final AclRule rule)
        {
            this.principal = rule.principal();
            this.anyPrincipal = AclRule.WILDCARD.equals(rule.principal());
            this.operation = rule.operation();
            this.deny = rule.permission() == AclPermissionCode.DENY;
        }

        boolean appliesTo(final String user, final AclOperationCode op)
        {
            return (anyPrincipal || principal.equals(user)) && (operation == AclOperationCode.ALL || operation == op);
        }
    }

    /** A rule whose name holds {@code %u} or {@code %c}, cut into parts. */
    private static final class PatternRule
    {
        /** Literal text, or null where a placeholder stands ({@link #placeholders} says which). */
        final String[] parts;
        final char[] placeholders;
        final boolean prefixed;
        final boolean needsUser;
        final boolean needsClient;
        final Rule rule;

        PatternRule(final AclRule source)
        {
            final String name = source.resourceName();
            final List<String> parts = new ArrayList<>();
            final StringBuilder placeholders = new StringBuilder();
            final StringBuilder literal = new StringBuilder();
            boolean user = false;
            boolean client = false;
            for (int i = 0; i < name.length(); i++)
            {
                final char c = name.charAt(i);
                if (c == '%' && i + 1 < name.length() && (name.charAt(i + 1) == 'u' || name.charAt(i + 1) == 'c'))
                {
                    if (literal.length() > 0)
                    {
                        parts.add(literal.toString());
                        placeholders.append(' ');
                        literal.setLength(0);
                    }
                    final char which = name.charAt(++i);
                    parts.add(null);
                    placeholders.append(which);
                    user |= which == 'u';
                    client |= which == 'c';
                }
                else
                {
                    literal.append(c);
                }
            }
            if (literal.length() > 0)
            {
                parts.add(literal.toString());
                placeholders.append(' ');
            }
            this.parts = parts.toArray(new String[0]);
            this.placeholders = placeholders.toString().toCharArray();
            this.prefixed = source.pattern() == AclPatternCode.PREFIXED;
            this.needsUser = user;
            this.needsClient = client;
            this.rule = new Rule(source);
        }

        boolean covers(final String name, final String user, final String clientId)
        {
            if ((needsUser && user.isEmpty()) || (needsClient && clientId.isEmpty()))
            {
                return false;
            }
            int at = 0;
            for (int i = 0; i < parts.length; i++)
            {
                final String part = parts[i] != null ? parts[i] : placeholders[i] == 'u' ? user : clientId;
                if (!name.regionMatches(at, part, 0, part.length()))
                {
                    return false;
                }
                at += part.length();
            }
            return prefixed || at == name.length();
        }
    }

    /** The rules of one resource type. */
    private static final class ByType
    {
        private final Map<String, Rule[]> literal = new HashMap<>();
        private final Rule[] everyName;
        private final Long2ObjectHashMap<Prefix[]> prefixes = new Long2ObjectHashMap<>();
        /** prefixLength[n]: some prefix has n characters. */
        private final boolean[] prefixLengths;
        private final PatternRule[] patterns;

        ByType(final List<AclRule> rules)
        {
            final Map<String, List<Rule>> literal = new HashMap<>();
            final List<Rule> everyName = new ArrayList<>();
            final Map<String, List<Rule>> prefixes = new HashMap<>();
            final List<PatternRule> patterns = new ArrayList<>();
            int longestPrefix = 0;
            for (final AclRule rule : rules)
            {
                final String name = rule.resourceName();
                if (name.contains("%u") || name.contains("%c"))
                {
                    patterns.add(new PatternRule(rule));
                }
                else if (rule.pattern() == AclPatternCode.PREFIXED)
                {
                    prefixes.computeIfAbsent(name, key -> new ArrayList<>()).add(new Rule(rule));
                    longestPrefix = Math.max(longestPrefix, name.length());
                }
                else if (AclRule.WILDCARD.equals(name))
                {
                    everyName.add(new Rule(rule));
                }
                else
                {
                    literal.computeIfAbsent(name, key -> new ArrayList<>()).add(new Rule(rule));
                }
            }
            literal.forEach((name, list) -> this.literal.put(name, list.toArray(NO_RULES)));
            this.everyName = everyName.toArray(NO_RULES);
            this.prefixLengths = new boolean[longestPrefix + 1];
            final Map<Long, List<Prefix>> byKey = new HashMap<>();
            prefixes.forEach((prefix, list) ->
            {
                prefixLengths[prefix.length()] = true;
                byKey.computeIfAbsent(key(prefix.length(), prefix.hashCode()), key -> new ArrayList<>())
                    .add(new Prefix(prefix, list.toArray(NO_RULES)));
            });
            byKey.forEach((key, list) -> this.prefixes.put(key.longValue(), list.toArray(new Prefix[0])));
            this.patterns = patterns.toArray(new PatternRule[0]);
        }

        int decide(final String user, final String clientId, final AclOperationCode operation, final String name)
        {
            int verdict = NOT_COVERED;
            verdict = merge(verdict, literal.get(name), user, operation);
            verdict = merge(verdict, everyName, user, operation);
            if (verdict == DENIED)
            {
                return DENIED;
            }
            if (prefixLengths.length > 0)
            {
                // The empty prefix, then each longer one: the running hash is String.hashCode's.
                int hash = 0;
                final int longest = Math.min(name.length(), prefixLengths.length - 1);
                for (int length = 0; length <= longest; length++)
                {
                    if (length > 0)
                    {
                        hash = 31 * hash + name.charAt(length - 1);
                    }
                    if (prefixLengths[length])
                    {
                        final Prefix[] candidates = prefixes.get(key(length, hash));
                        if (candidates != null)
                        {
                            for (final Prefix prefix : candidates)
                            {
                                if (name.startsWith(prefix.prefix))
                                {
                                    verdict = merge(verdict, prefix.rules, user, operation);
                                    if (verdict == DENIED)
                                    {
                                        return DENIED;
                                    }
                                }
                            }
                        }
                    }
                }
            }
            for (final PatternRule pattern : patterns)
            {
                if (pattern.covers(name, user, clientId))
                {
                    verdict = merge(verdict, pattern.rule, user, operation);
                    if (verdict == DENIED)
                    {
                        return DENIED;
                    }
                }
            }
            return verdict;
        }

        private static int merge(final int verdict, final Rule[] rules, final String user, final AclOperationCode op)
        {
            if (rules == null || rules.length == 0)
            {
                return verdict;
            }
            int merged = verdict;
            for (final Rule rule : rules)
            {
                merged = merge(merged, rule, user, op);
                if (merged == DENIED)
                {
                    return DENIED;
                }
            }
            return merged;
        }

        private static int merge(final int verdict, final Rule rule, final String user, final AclOperationCode op)
        {
            if (verdict == DENIED)
            {
                return DENIED;
            }
            if (!rule.appliesTo(user, op))
            {
                return Math.max(verdict, COVERED);
            }
            return rule.deny ? DENIED : ALLOWED;
        }

        private static long key(final int length, final int hash)
        {
            return ((long)length << 32) | (hash & 0xFFFF_FFFFL);
        }
    }

    /** The rules of one prefix. */
    private record Prefix(String prefix, Rule[] rules)
    {
    }
}
