package io.robustmq.journal.fs;

import java.nio.ByteBuffer;

/**
 * A file mapped into memory, whole. Writes to {@link #buffer()} reach the file's pages at once (the
 * page cache) and the device only when {@link #force forced}.
 * <p>
 * Threading: the buffer may be read by any thread; {@link #close()} only once no one reads it.
 */
public interface MappedFile extends AutoCloseable
{
    /**
     * @return the mapped memory: a direct buffer of the file's size, position 0.
     */
    ByteBuffer buffer();

    /**
     * Force a range of the mapping to the device.
     *
     * @param position where the range starts.
     * @param length   its length.
     * @throws java.io.UncheckedIOException if the device refuses.
     */
    void force(int position, int length);

    /**
     * Unmap. The buffer must not be touched afterwards.
     */
    @Override
    void close();
}
