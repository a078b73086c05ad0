package io.robustmq.journal.fs;

import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

class SystemFileLayerTest
{
    @TempDir
    Path dir;

    @ParameterizedTest
    @EnumSource(FileAllocation.class)
    void mapNewCreatesAZeroFilledFileOfTheSizeAsked(final FileAllocation allocation) throws IOException
    {
        final Path file = dir.resolve("new.log");
        final int size = 3 * 4096 + 100;

        final MappedFile mapped = FileLayer.SYSTEM.mapNew(file, size, allocation);
        try
        {
            assertEquals(size, mapped.buffer().capacity());
            assertArrayEquals(new byte[size], Files.readAllBytes(file));
            mapped.buffer().put(size - 1, (byte)7);
            mapped.force(size - 1, 1);
        }
        finally
        {
            mapped.close();
        }
        assertEquals((byte)7, Files.readAllBytes(file)[size - 1]);
    }

    @ParameterizedTest
    @EnumSource(FileAllocation.class)
    void mapNewKeepsWhatAnExistingFileHoldsAndZeroFillsTheRest(final FileAllocation allocation) throws IOException
    {
        final Path file = dir.resolve("existing.log");
        final byte[] prefix = new byte[5000];
        for (int i = 0; i < prefix.length; i++)
        {
            prefix[i] = (byte)(i % 251 + 1);
        }
        Files.write(file, prefix);

        final MappedFile mapped = FileLayer.SYSTEM.mapNew(file, 4 * 4096, allocation);
        try
        {
            final ByteBuffer buffer = mapped.buffer();
            final byte[] expected = new byte[4 * 4096];
            System.arraycopy(prefix, 0, expected, 0, prefix.length);
            final byte[] actual = new byte[buffer.capacity()];
            buffer.get(0, actual);
            assertArrayEquals(expected, actual);
        }
        finally
        {
            mapped.close();
        }
        assertEquals(4 * 4096, Files.size(file));
    }

    @ParameterizedTest
    @EnumSource(FileAllocation.class)
    void mapNewShrinksALargerFile(final FileAllocation allocation) throws IOException
    {
        final Path file = dir.resolve("larger.log");
        Files.write(file, new byte[10_000]);

        final MappedFile mapped = FileLayer.SYSTEM.mapNew(file, 4096, allocation);
        mapped.close();

        assertEquals(4096, Files.size(file));
    }
}
