package io.robustmq.plugin.api.storage;

import java.nio.ByteOrder;

/**
 * A batch in the engine's memory as a {@link BatchStamper} sees it: a flyweight, re-pointed at each
 * batch, valid only during {@link BatchStamper#stamp}. Indexes are from the batch's first byte.
 * Writes are allowed only below the stamper's {@link BatchStamper#stampedBytes()}.
 */
public interface StampedBatch
{
    /**
     * @return the batch's length in bytes.
     */
    int length();

    byte getByte(int index);

    short getShort(int index, ByteOrder order);

    int getInt(int index, ByteOrder order);

    long getLong(int index, ByteOrder order);

    /**
     * @throws IndexOutOfBoundsException outside the stamped prefix.
     */
    void putByte(int index, byte value);

    /**
     * @throws IndexOutOfBoundsException outside the stamped prefix.
     */
    void putShort(int index, short value, ByteOrder order);

    /**
     * @throws IndexOutOfBoundsException outside the stamped prefix.
     */
    void putInt(int index, int value, ByteOrder order);

    /**
     * @throws IndexOutOfBoundsException outside the stamped prefix.
     */
    void putLong(int index, long value, ByteOrder order);

    /**
     * @param index  where the bytes start.
     * @param length how many.
     * @return their CRC32C (Kafka's record batch checksum).
     */
    int crc32c(int index, int length);
}
