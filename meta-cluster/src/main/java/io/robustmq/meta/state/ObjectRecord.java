package io.robustmq.meta.state;

import java.util.Arrays;

/**
 * A plugin's control-plane object as the cluster keeps it: opaque bytes under a key, with a
 * version for compare-and-set. The value is copied in and out, so nothing a caller does to an array
 * changes the state machine's copy.
 *
 * @param owner   the plugin that owns it.
 * @param kind    what it is, within the owner's namespace.
 * @param name    its name within the kind.
 * @param value   the bytes the plugin stored.
 * @param version 1 when created, one more at each replacement.
 */
public record ObjectRecord(String owner, String kind, String name, byte[] value, long version)
{
    public ObjectRecord
    {
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

    /**
     * @return the value's length in bytes, without copying it.
     */
    public int valueLength()
    {
        return value.length;
    }

    /**
     * @return where the object is filed.
     */
    public ObjectKey key()
    {
        return new ObjectKey(owner, kind, name);
    }

    @Override
    public boolean equals(final Object other)
    {
        return other instanceof ObjectRecord that && version == that.version && owner.equals(that.owner) &&
            kind.equals(that.kind) && name.equals(that.name) && Arrays.equals(value, that.value);
    }

    @Override
    public int hashCode()
    {
        return 31 * (31 * key().hashCode() + Long.hashCode(version)) + Arrays.hashCode(value);
    }

    @Override
    public String toString()
    {
        return "ObjectRecord[" + owner + '/' + kind + '/' + name + ", version=" + version + ", " + value.length +
            " bytes]";
    }
}
