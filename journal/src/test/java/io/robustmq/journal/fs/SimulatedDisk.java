package io.robustmq.journal.fs;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;

/**
 * A file layer in memory that knows what a power cut keeps. Every file has two contents: what the
 * page cache holds (the live bytes, which mappings and writes change) and what the device holds
 * (changed only by forces). Every name has two states as well: created, renamed and deleted names
 * reach the device only when their directory is synced.
 * <p>
 * The disk counts the operations that change state (writes, forces, renames, deletions, syncs);
 * at the operation numbered {@code cutAt} the power goes: the disk notes what survives and every
 * later operation throws {@link PowerCut}. What survives ({@link #afterPowerCut}) is the device's
 * state, plus what the kernel might have written back on its own by then: each page that differs
 * from the device's copy is kept or lost at random, and a random prefix of the directory changes
 * not yet synced is kept (a journaling file system commits them in order).
 * <p>
 * Single-threaded: the power-cut test drives the journal from one thread.
 */
public final class SimulatedDisk implements FileLayer
{
    /** The unit the kernel writes back in. */
    public static final int PAGE = 4096;

    /**
     * Thrown by every operation once the power has gone.
     */
    public static final class PowerCut extends RuntimeException
    {
        PowerCut()
        {
            super("power cut", null, false, true);
        }
    }

    private static final class Inode
    {
        private ByteBuffer live;
        private byte[] durable;

        Inode(final int size)
        {
            live = ByteBuffer.allocate(size);
            durable = new byte[size];
        }

        Inode(final byte[] contents)
        {
            live = ByteBuffer.allocate(contents.length);
            live.put(0, contents);
            durable = contents.clone();
        }

        int size()
        {
            return live.capacity();
        }

        void resize(final int size)
        {
            final ByteBuffer grown = ByteBuffer.allocate(size);
            final int kept = Math.min(size, live.capacity());
            grown.put(0, live, 0, kept);
            live = grown;
            final byte[] durableGrown = new byte[size];
            System.arraycopy(durable, 0, durableGrown, 0, Math.min(size, durable.length));
            durable = durableGrown;
        }

        void force(final int position, final int length)
        {
            final int from = Math.max(0, position - position % PAGE);
            final int to = Math.min(size(), position + length);
            live.get(from, durable, from, to - from);
        }

        byte[] survivor(final Random random)
        {
            final byte[] bytes = durable.clone();
            final byte[] page = new byte[PAGE];
            for (int from = 0; from < bytes.length; from += PAGE)
            {
                final int length = Math.min(PAGE, bytes.length - from);
                live.get(from, page, 0, length);
                if (!java.util.Arrays.equals(page, 0, length, bytes, from, from + length) && random.nextBoolean())
                {
                    System.arraycopy(page, 0, bytes, from, length);
                }
            }
            return bytes;
        }
    }

    private enum Kind
    {
        LINK, UNLINK, MKDIR
    }

    private record DirectoryChange(Kind kind, Path path, Inode inode)
    {
    }

    private final Map<Path, Inode> liveNames = new HashMap<>();
    private final Map<Path, Inode> durableNames = new HashMap<>();
    private final Set<Path> liveDirectories = new HashSet<>();
    private final Set<Path> durableDirectories = new HashSet<>();
    private final List<DirectoryChange> unsynced = new ArrayList<>();
    private final Random random;
    private long cutAt;
    private long operations;
    private SimulatedDisk survivor;

    /**
     * @param random decides which pages and directory changes a power cut keeps.
     * @param cutAt  the operation at which the power goes; {@code Long.MAX_VALUE} for never.
     */
    public SimulatedDisk(final Random random, final long cutAt)
    {
        this.random = random;
        this.cutAt = cutAt;
        liveDirectories.add(Path.of("/"));
        durableDirectories.add(Path.of("/"));
    }

    /**
     * @return true once the power has gone.
     */
    public boolean isCut()
    {
        return survivor != null;
    }

    /**
     * Keep the power on from now on.
     */
    public void disarm()
    {
        cutAt = Long.MAX_VALUE;
    }

    /**
     * Cut the power now, if it has not gone yet.
     */
    private void cutNow()
    {
        if (survivor == null)
        {
            survivor = survive();
        }
    }

    /**
     * @param nextRandom decides the survivor's own power cut.
     * @param nextCutAt  the operation at which the survivor's power goes.
     * @return the disk as a restart finds it: what the device held when the power went.
     */
    public SimulatedDisk afterPowerCut(final Random nextRandom, final long nextCutAt)
    {
        cutNow();
        final SimulatedDisk next = new SimulatedDisk(nextRandom, nextCutAt);
        next.durableDirectories.addAll(survivor.durableDirectories);
        next.liveDirectories.addAll(survivor.durableDirectories);
        for (final Map.Entry<Path, Inode> entry : survivor.durableNames.entrySet())
        {
            final Inode inode = new Inode(entry.getValue().durable);
            next.durableNames.put(entry.getKey(), inode);
            next.liveNames.put(entry.getKey(), inode);
        }
        return next;
    }

    private SimulatedDisk survive()
    {
        final SimulatedDisk state = new SimulatedDisk(random, Long.MAX_VALUE);
        final Map<Inode, Inode> copies = new HashMap<>();
        state.durableDirectories.addAll(durableDirectories);
        for (final Map.Entry<Path, Inode> entry : durableNames.entrySet())
        {
            state.durableNames.put(entry.getKey(), copies.computeIfAbsent(entry.getValue(), this::surviving));
        }
        final int kept = unsynced.isEmpty() ? 0 : random.nextInt(unsynced.size() + 1);
        for (int i = 0; i < kept; i++)
        {
            final DirectoryChange change = unsynced.get(i);
            switch (change.kind())
            {
                case LINK -> state.durableNames.put(change.path(), copies.computeIfAbsent(change.inode(), this::surviving));
                case UNLINK -> state.durableNames.remove(change.path());
                case MKDIR -> state.durableDirectories.add(change.path());
            }
        }
        state.durableNames.keySet().removeIf(path -> !state.durableDirectories.contains(path.getParent()));
        return state;
    }

    private Inode surviving(final Inode inode)
    {
        final Inode copy = new Inode(inode.size());
        copy.durable = inode.survivor(random);
        return copy;
    }

    private void step()
    {
        if (survivor != null)
        {
            throw new PowerCut();
        }
        if (++operations >= cutAt)
        {
            survivor = survive();
            throw new PowerCut();
        }
    }

    private Inode inode(final Path file) throws IOException
    {
        final Inode inode = liveNames.get(key(file));
        if (inode == null)
        {
            throw new NoSuchFileException(file.toString());
        }
        return inode;
    }

    private static Path key(final Path file)
    {
        return file.toAbsolutePath().normalize();
    }

    private void link(final Path file, final Inode inode) throws IOException
    {
        final Path path = key(file);
        if (!liveDirectories.contains(path.getParent()))
        {
            throw new NoSuchFileException(path.getParent().toString());
        }
        liveNames.put(path, inode);
        unsynced.add(new DirectoryChange(Kind.LINK, path, inode));
    }

    @Override
    public MappedFile mapNew(final Path file, final int size, final FileAllocation allocation) throws IOException
    {
        step();
        Inode inode = liveNames.get(key(file));
        if (inode == null)
        {
            inode = new Inode(size);
            link(file, inode);
        }
        else if (inode.size() != size)
        {
            inode.resize(size);
        }
        return mapping(inode);
    }

    @Override
    public MappedFile map(final Path file) throws IOException
    {
        step();
        return mapping(inode(file));
    }

    @Override
    public MappedFile mapReadOnly(final Path file) throws IOException
    {
        step();
        return mapping(inode(file));
    }

    private MappedFile mapping(final Inode inode)
    {
        final ByteBuffer buffer = inode.live.duplicate();
        return new MappedFile()
        {
            @Override
            public ByteBuffer buffer()
            {
                return buffer;
            }

            @Override
            public void force(final int position, final int length)
            {
                step();
                inode.force(position, length);
            }

            @Override
            public void close()
            {
                // Memory: nothing to unmap.
            }
        };
    }

    @Override
    public WritableFile open(final Path file) throws IOException
    {
        step();
        Inode found = liveNames.get(key(file));
        if (found == null)
        {
            found = new Inode(0);
            link(file, found);
        }
        final Inode inode = found;
        return new WritableFile()
        {
            @Override
            public void write(final ByteBuffer bytes, final long position)
            {
                step();
                final int end = (int)position + bytes.remaining();
                if (end > inode.size())
                {
                    inode.resize(end);
                }
                inode.live.put((int)position, bytes, bytes.position(), bytes.remaining());
                bytes.position(bytes.limit());
            }

            @Override
            public void force()
            {
                step();
                inode.force(0, inode.size());
            }

            @Override
            public void close()
            {
                // Memory: nothing to close.
            }
        };
    }

    @Override
    public long size(final Path file) throws IOException
    {
        return inode(file).size();
    }

    @Override
    public boolean exists(final Path file)
    {
        final Path path = key(file);
        return liveNames.containsKey(path) || liveDirectories.contains(path);
    }

    @Override
    public boolean isRegularFile(final Path file)
    {
        return liveNames.containsKey(key(file));
    }

    @Override
    public void setLength(final Path file, final long size) throws IOException
    {
        step();
        inode(file).resize((int)size);
    }

    @Override
    public void move(final Path from, final Path to) throws IOException
    {
        step();
        final Inode inode = inode(from);
        liveNames.remove(key(from));
        unsynced.add(new DirectoryChange(Kind.UNLINK, key(from), null));
        link(to, inode);
    }

    @Override
    public void delete(final Path file) throws IOException
    {
        final Path path = key(file);
        if (liveNames.containsKey(path))
        {
            step();
            liveNames.remove(path);
            unsynced.add(new DirectoryChange(Kind.UNLINK, path, null));
        }
        else if (liveDirectories.contains(path))
        {
            step();
            liveDirectories.remove(path);
        }
    }

    @Override
    public List<Path> list(final Path dir)
    {
        final Path path = key(dir);
        final List<Path> entries = new ArrayList<>();
        for (final Path name : liveNames.keySet())
        {
            if (path.equals(name.getParent()))
            {
                entries.add(name);
            }
        }
        for (final Path name : liveDirectories)
        {
            if (path.equals(name.getParent()))
            {
                entries.add(name);
            }
        }
        entries.sort(null);
        return entries;
    }

    @Override
    public void createDirectories(final Path dir)
    {
        final Path path = key(dir);
        if (liveDirectories.contains(path))
        {
            return;
        }
        createDirectories(path.getParent());
        step();
        liveDirectories.add(path);
        unsynced.add(new DirectoryChange(Kind.MKDIR, path, null));
        syncDirectory(path.getParent());
    }

    @Override
    public void syncDirectory(final Path dir)
    {
        step();
        final Path path = key(dir);
        final List<DirectoryChange> remaining = new ArrayList<>();
        for (final DirectoryChange change : unsynced)
        {
            if (!path.equals(change.path().getParent()))
            {
                remaining.add(change);
                continue;
            }
            switch (change.kind())
            {
                case LINK -> durableNames.put(change.path(), change.inode());
                case UNLINK -> durableNames.remove(change.path());
                case MKDIR -> durableDirectories.add(change.path());
            }
        }
        unsynced.clear();
        unsynced.addAll(remaining);
    }

    @Override
    public byte[] readAll(final Path file) throws IOException
    {
        final Inode inode = inode(file);
        final byte[] bytes = new byte[inode.size()];
        inode.live.get(0, bytes);
        return bytes;
    }

    @Override
    public void writeDurably(final Path file, final ByteBuffer contents) throws IOException
    {
        final Path temp = file.resolveSibling(file.getFileName() + ".tmp");
        step();
        final byte[] bytes = new byte[contents.remaining()];
        contents.get(bytes);
        final Inode inode = new Inode(bytes.length);
        inode.live.put(0, bytes);
        link(temp, inode);
        step();
        inode.force(0, bytes.length);
        move(temp, file);
        syncDirectory(file.toAbsolutePath().getParent());
    }
}
