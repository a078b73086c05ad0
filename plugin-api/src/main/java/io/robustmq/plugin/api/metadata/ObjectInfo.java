package io.robustmq.plugin.api.metadata;

import java.util.Arrays;
import java.util.Objects;

/**
 * A plugin's control-plane object (an AMQP exchange, queue or binding): opaque bytes the cluster
 * keeps under a name, in its owner's namespace, grouped by kind, replicated to every node and kept
 * across restarts. The kernel does not read the value; the plugin encodes it as it likes.
 * <p>
 * The value is copied when the record is made and each time it is read, so no caller can change
 * another's copy, nor the cluster's; {@code equals} compares the bytes.
 * <p>
 * Limits, refused with {@link MetadataException.Reason#INVALID}: the owner is 1 to
 * {@value #MAX_OWNER_LENGTH} characters and the kind 1 to {@value #MAX_KIND_LENGTH}, neither with
 * control characters; the name 1 to {@value #MAX_NAME_BYTES} bytes of UTF-8; the value at most
 * {@value #MAX_VALUE_BYTES} bytes (64 KiB).
 *
 * @param owner   the plugin whose namespace holds it, by convention its name: {@code amqp}.
 * @param kind    what it is: {@code exchange}, {@code queue}, {@code binding}.
 * @param name    its name among its owner's objects of that kind.
 * @param value   its bytes.
 * @param version 1 when it is created, one more at each replacement; a write that names the version
 *                it expects is refused if another write came first (compare-and-set).
 */
public record ObjectInfo(String owner, String kind, String name, byte[] value, long version)
{
    /** Expected version of a write: the object must not exist (create only). */
    public static final long ABSENT = 0;
    /** Expected version of a write: no check. */
    public static final long ANY = -1;
    /** Longest owner, in characters. */
    public static final int MAX_OWNER_LENGTH = 64;
    /** Longest kind, in characters. */
    public static final int MAX_KIND_LENGTH = 64;
    /** Longest name, in bytes of UTF-8. */
    public static final int MAX_NAME_BYTES = 1024;
    /** Largest value, in bytes: 64 KiB. */
    public static final int MAX_VALUE_BYTES = 64 * 1024;

    public ObjectInfo
    {
        Objects.requireNonNull(owner, "owner");
        Objects.requireNonNull(kind, "kind");
        Objects.requireNonNull(name, "name");
        value = value.clone();
    }

    /**
     * @return a copy of the value.
     */
    @Override
    public byte[] value()
    {
        return value.clone();
    }

    @Override
    public boolean equals(final Object other)
    {
        return other instanceof ObjectInfo that && version == that.version && owner.equals(that.owner) &&
            kind.equals(that.kind) && name.equals(that.name) && Arrays.equals(value, that.value);
    }

    @Override
    public int hashCode()
    {
        return Objects.hash(owner, kind, name, version) * 31 + Arrays.hashCode(value);
    }

    @Override
    public String toString()
    {
        return "ObjectInfo[" + owner + '/' + kind + '/' + name + ", version=" + version + ", " + value.length +
            " bytes]";
    }
}
