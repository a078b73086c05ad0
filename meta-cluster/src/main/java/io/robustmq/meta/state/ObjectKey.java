package io.robustmq.meta.state;

import java.util.SortedMap;

/**
 * Where a plugin's control-plane object is filed: its owner's namespace (the plugin's name), its
 * kind within it, and its name within the kind. Keys sort by owner, then kind, then name, so an
 * owner's objects, and each of its kinds, are one range of a sorted map ({@link #owned},
 * {@link #ofKind}).
 *
 * @param owner the plugin that owns the object: {@code amqp}.
 * @param kind  what it is: {@code exchange}, {@code queue}, {@code binding}.
 * @param name  its name among the owner's objects of that kind.
 */
public record ObjectKey(String owner, String kind, String name) implements Comparable<ObjectKey>
{
    @Override
    public int compareTo(final ObjectKey other)
    {
        int c = owner.compareTo(other.owner);
        c = c != 0 ? c : kind.compareTo(other.kind);
        return c != 0 ? c : name.compareTo(other.name);
    }

    /**
     * The owner's objects: the keys from (owner, "", "") up to the first key of the next owner,
     * which is (owner + NUL, "", ""), since no string sorts between a string and itself followed by
     * NUL.
     *
     * @param objects every object, by key.
     * @param owner   an owner.
     * @param <V>     what the map holds.
     * @return the owner's part of the map, by kind then name (a view of it).
     */
    public static <V> SortedMap<ObjectKey, V> owned(final SortedMap<ObjectKey, V> objects, final String owner)
    {
        return objects.subMap(new ObjectKey(owner, "", ""), new ObjectKey(owner + '\0', "", ""));
    }

    /**
     * The owner's objects of one kind (kinds hold no control characters, so none sorts between a
     * kind and the kind followed by NUL).
     *
     * @param objects every object, by key.
     * @param owner   an owner.
     * @param kind    a kind.
     * @param <V>     what the map holds.
     * @return that part of the map, by name (a view of it).
     */
    public static <V> SortedMap<ObjectKey, V> ofKind(
        final SortedMap<ObjectKey, V> objects, final String owner, final String kind)
    {
        return objects.subMap(new ObjectKey(owner, kind, ""), new ObjectKey(owner, kind + '\0', ""));
    }
}
