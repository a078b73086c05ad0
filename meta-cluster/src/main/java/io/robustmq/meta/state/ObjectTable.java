package io.robustmq.meta.state;

import io.robustmq.meta.codecs.ResultCode;
import org.pcollections.PSortedMap;
import org.pcollections.TreePMap;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.SortedMap;

/**
 * The plugins' control-plane objects (an AMQP plugin's exchanges, queues and bindings): named,
 * opaque values in an owner's namespace, grouped by kind, each with a version for compare-and-set.
 * The kernel knows no protocol; to the cluster a value is bytes.
 * <p>
 * Versions: an object is created at version 1, and each replacement adds one. A write names the
 * version it expects: {@link #ABSENT} (the object must not exist: create only), {@link #ANY} (no
 * check), or the current version (else CONFLICT; NOT_FOUND if there is no object).
 * <p>
 * Limits (INVALID beyond them): owner and kind 1 to 64 characters, no control characters; name 1
 * to 1,024 bytes of UTF-8; value at most 64 KiB.
 * <p>
 * The table also keeps the latest changes, in the order they were applied, for watchers that
 * follow them from a published view: at most {@link #CHANGES_KEPT} changes and about
 * {@link #CHANGE_BYTES_KEPT} bytes of their values. They are not replicated state (see
 * {@link ObjectChangeRecord#sequence()}) and not in snapshots. Both the table and the changes are
 * persistent maps: a view of them costs nothing. One writer, the service thread; {@link MetaState}
 * changes it.
 */
public final class ObjectTable
{
    /** Expected version: the object must not exist. */
    public static final long ABSENT = 0;
    /** Expected version: no check. */
    public static final long ANY = -1;
    /** Longest owner, in characters. */
    public static final int MAX_OWNER_LENGTH = 64;
    /** Longest kind, in characters. */
    public static final int MAX_KIND_LENGTH = 64;
    /** Longest name, in bytes of UTF-8. */
    public static final int MAX_NAME_BYTES = 1024;
    /** Largest value, in bytes. */
    public static final int MAX_VALUE_BYTES = 64 * 1024;
    /** Changes kept for watchers, at most. */
    public static final int CHANGES_KEPT = 4096;
    /** Bytes of values kept with the changes, about: the latest change is kept whatever its size. */
    public static final long CHANGE_BYTES_KEPT = 8L * 1024 * 1024;

    private final PersistentTable<ObjectKey, ObjectRecord> objects = new PersistentTable<>();
    private PSortedMap<Long, ObjectChangeRecord> changes = TreePMap.empty();
    private long changeBytes;
    private long lastChange;

    ObjectTable()
    {
    }

    /**
     * Create or replace an object.
     *
     * @param expectedVersion {@link #ABSENT}, {@link #ANY}, or the version it must be at.
     * @return OK with the version stored; ALREADY_EXISTS, NOT_FOUND, CONFLICT or INVALID.
     */
    CommandOutcome put(
        final String owner, final String kind, final String name, final byte[] value, final long expectedVersion)
    {
        if (!valid(owner, kind, name) || value.length > MAX_VALUE_BYTES || expectedVersion < ANY)
        {
            return CommandOutcome.of(ResultCode.INVALID);
        }
        final ObjectKey key = new ObjectKey(owner, kind, name);
        final ObjectRecord current = objects.get(key);
        final ResultCode refused = check(current, expectedVersion);
        if (refused != null)
        {
            return CommandOutcome.of(refused);
        }
        final ObjectRecord stored = new ObjectRecord(owner, kind, name, value, current == null ? 1 : current.version() + 1);
        objects.put(key, stored);
        changed(key, stored);
        return new CommandOutcome(ResultCode.OK, stored.version());
    }

    /**
     * Delete an object.
     *
     * @param expectedVersion {@link #ANY}, or the version it must be at ({@link #ABSENT} makes no
     *                        sense here: INVALID).
     * @return OK, NOT_FOUND, CONFLICT or INVALID.
     */
    ResultCode delete(final String owner, final String kind, final String name, final long expectedVersion)
    {
        if (!valid(owner, kind, name) || expectedVersion < ANY || expectedVersion == ABSENT)
        {
            return ResultCode.INVALID;
        }
        final ObjectKey key = new ObjectKey(owner, kind, name);
        final ObjectRecord current = objects.get(key);
        if (current == null)
        {
            return ResultCode.NOT_FOUND;
        }
        final ResultCode refused = check(current, expectedVersion);
        if (refused != null)
        {
            return refused;
        }
        objects.remove(key);
        changed(key, null);
        return ResultCode.OK;
    }

    /**
     * @return null if the object, as it is, may be written expecting that version; else why not.
     */
    private static ResultCode check(final ObjectRecord current, final long expectedVersion)
    {
        if (expectedVersion == ANY)
        {
            return null;
        }
        if (expectedVersion == ABSENT)
        {
            return current == null ? null : ResultCode.ALREADY_EXISTS;
        }
        if (current == null)
        {
            return ResultCode.NOT_FOUND;
        }
        return current.version() == expectedVersion ? null : ResultCode.CONFLICT;
    }

    private void changed(final ObjectKey key, final ObjectRecord object)
    {
        lastChange++;
        changes = changes.plus(lastChange, new ObjectChangeRecord(lastChange, key, object));
        changeBytes += object == null ? 0 : object.valueLength();
        while (changes.size() > 1 && (changes.size() > CHANGES_KEPT || changeBytes > CHANGE_BYTES_KEPT))
        {
            final ObjectChangeRecord oldest = changes.get(changes.firstKey());
            changes = changes.minus(oldest.sequence());
            changeBytes -= oldest.object() == null ? 0 : oldest.object().valueLength();
        }
    }

    /**
     * @return true if the owner and kind are 1 to 64 characters, none a control character, and the
     * name 1 to 1,024 bytes of UTF-8.
     */
    public static boolean valid(final String owner, final String kind, final String name)
    {
        return validLabel(owner, MAX_OWNER_LENGTH) && validLabel(kind, MAX_KIND_LENGTH) && !name.isEmpty() &&
            name.length() <= MAX_NAME_BYTES &&
            (name.length() * 3 <= MAX_NAME_BYTES || name.getBytes(StandardCharsets.UTF_8).length <= MAX_NAME_BYTES);
    }

    private static boolean validLabel(final String label, final int maxLength)
    {
        if (label.isEmpty() || label.length() > maxLength)
        {
            return false;
        }
        for (int i = 0; i < label.length(); i++)
        {
            if (Character.isISOControl(label.charAt(i)))
            {
                return false;
            }
        }
        return true;
    }

    ObjectRecord get(final ObjectKey key)
    {
        return objects.get(key);
    }

    /**
     * @return every object, by key.
     */
    Collection<ObjectRecord> values()
    {
        return objects.values();
    }

    /**
     * @return every object by key, as of now: immutable.
     */
    SortedMap<ObjectKey, ObjectRecord> snapshot()
    {
        return objects.snapshot();
    }

    /**
     * @return the latest changes by sequence, as of now: immutable.
     */
    SortedMap<Long, ObjectChangeRecord> changes()
    {
        return changes;
    }

    /**
     * @return the sequence of the latest change, 0 before the first.
     */
    long lastChange()
    {
        return lastChange;
    }

    /**
     * Load an object from a snapshot (not a change: watchers are told it as an object that exists).
     */
    void restore(final ObjectRecord object)
    {
        objects.put(object.key(), object);
    }
}
