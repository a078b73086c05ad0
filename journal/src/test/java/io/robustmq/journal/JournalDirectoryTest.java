package io.robustmq.journal;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class JournalDirectoryTest
{
    @TempDir
    Path temp;

    @Test
    void createsTheDirectoryAndListsShards() throws Exception
    {
        final Path root = temp.resolve("data/journal");
        try (JournalDirectory directory = JournalDirectory.open(root))
        {
            assertTrue(Files.isDirectory(root));
            assertEquals(List.of(), directory.shardNames());
            Files.createDirectory(root.resolve("orders-1"));
            Files.createDirectory(root.resolve("orders-0"));
            assertEquals(List.of("orders-0", "orders-1"), directory.shardNames());
        }
    }

    @Test
    void aSecondOwnerIsRefusedUntilTheFirstCloses()
    {
        final Path root = temp.resolve("journal");
        final JournalDirectory first = JournalDirectory.open(root);
        final JournalException refused = assertThrows(JournalException.class, () -> JournalDirectory.open(root));
        assertTrue(refused.getMessage().contains("in use by another node"), refused.getMessage());
        first.close();
        JournalDirectory.open(root).close();
    }
}
