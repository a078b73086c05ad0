package io.robustmq.journal.fs;

import java.io.IOException;
import java.nio.ByteBuffer;

/**
 * A small file written in place (a checkpoint). Writes reach the device only when forced.
 */
public interface WritableFile extends AutoCloseable
{
    /**
     * @param bytes    what to write, from position to limit; consumed.
     * @param position where in the file.
     * @throws IOException if it cannot be written.
     */
    void write(ByteBuffer bytes, long position) throws IOException;

    /**
     * @throws IOException if the device refuses.
     */
    void force() throws IOException;

    @Override
    void close() throws IOException;
}
