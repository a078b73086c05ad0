package io.robustmq.journal.fs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.List;

/**
 * Every file operation the journal makes that decides what survives a crash: mapping segments,
 * forcing them, writing small files, renaming, deleting, and making directory entries durable.
 * {@link #SYSTEM} is the real file system; a test layer records these calls and simulates a power
 * cut by keeping only what was forced.
 * <p>
 * The durability rules the journal relies on, and that a layer must model:
 * <ul>
 *   <li>bytes written to a mapping or a file reach the device only when forced
 *       ({@link MappedFile#force}, {@link WritableFile#force}, or inside {@link #writeDurably});</li>
 *   <li>a created, renamed or deleted name reaches the device only when its directory is synced
 *       ({@link #syncDirectory}); until then a power cut may undo it.</li>
 * </ul>
 * Threading: a layer is used by the journal's writers, its preparer and readers at once; every
 * method must be safe to call from any thread.
 */
public interface FileLayer
{
    /** The file system the node runs on. */
    FileLayer SYSTEM = new SystemFileLayer();

    /**
     * Create a file of a size (zero-filled), or resize an existing one to it (keeping what it holds
     * below the size), and map it whole, read-write. The new name is not durable until its directory
     * is synced.
     *
     * @param file       the file.
     * @param size       its size in bytes.
     * @param allocation how the pages it gains are allocated.
     * @return the mapping.
     * @throws IOException if the file cannot be made or mapped.
     */
    MappedFile mapNew(Path file, int size, FileAllocation allocation) throws IOException;

    /**
     * Map an existing file whole, read-write.
     *
     * @param file the file.
     * @return the mapping.
     * @throws IOException if the file is missing or cannot be mapped.
     */
    MappedFile map(Path file) throws IOException;

    /**
     * Map an existing file whole, to read only.
     *
     * @param file the file.
     * @return the mapping; its buffer must not be written.
     * @throws IOException if the file is missing or cannot be mapped.
     */
    MappedFile mapReadOnly(Path file) throws IOException;

    /**
     * Open a file to write in place, creating it if missing.
     *
     * @param file the file.
     * @return the open file.
     * @throws IOException if it cannot be opened.
     */
    WritableFile open(Path file) throws IOException;

    /**
     * @param file a file.
     * @return its size in bytes.
     * @throws IOException if it is missing.
     */
    long size(Path file) throws IOException;

    /**
     * @param file a file or directory.
     * @return true if it exists.
     */
    boolean exists(Path file);

    /**
     * @param file a file.
     * @return true if it exists and is a regular file.
     */
    boolean isRegularFile(Path file);

    /**
     * Grow or shrink a file; new bytes are zero.
     *
     * @param file the file.
     * @param size its new size.
     * @throws IOException if it cannot be resized.
     */
    void setLength(Path file, long size) throws IOException;

    /**
     * Rename a file atomically, replacing the target if it exists. Not durable until the
     * directory is synced.
     *
     * @param from the file.
     * @param to   its new name, in the same directory.
     * @throws IOException if it cannot be renamed.
     */
    void move(Path from, Path to) throws IOException;

    /**
     * Delete a file if it exists. Not durable until the directory is synced.
     *
     * @param file the file.
     * @throws IOException if it exists and cannot be deleted.
     */
    void delete(Path file) throws IOException;

    /**
     * @param dir a directory.
     * @return its entries (files and directories), sorted by name.
     * @throws IOException if it cannot be listed.
     */
    List<Path> list(Path dir) throws IOException;

    /**
     * Create a directory and its missing parents, syncing each parent whose entries changed.
     *
     * @param dir the directory.
     * @throws IOException if it cannot be created.
     */
    void createDirectories(Path dir) throws IOException;

    /**
     * Make a directory's entries (creations, renames, deletions in it) durable.
     *
     * @param dir the directory.
     * @throws IOException if it cannot be synced.
     */
    void syncDirectory(Path dir) throws IOException;

    /**
     * @param file a file.
     * @return its bytes.
     * @throws IOException if it is missing or cannot be read.
     */
    byte[] readAll(Path file) throws IOException;

    /**
     * Replace a file's contents durably and atomically: write a temporary file beside it, force it,
     * rename it over the file, sync the directory. After a crash the file holds either the old or
     * the new contents.
     *
     * @param file     the file.
     * @param contents its new contents, from position to limit.
     * @throws IOException if it cannot be written.
     */
    void writeDurably(Path file, ByteBuffer contents) throws IOException;
}
