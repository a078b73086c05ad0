package io.robustmq.journal.fs;

/**
 * How {@link FileLayer#mapNew} allocates a new file's pages, which decides how the kernel caches
 * them. Kernels that cache a file in large folios (ext4 since Linux 6.16, XFS) size a folio by the
 * write or the fault that creates it, and write a dirty folio back whole.
 */
public enum FileAllocation
{
    /**
     * One {@code ftruncate}: the file is a hole until touched. Faulting it in through the mapping
     * builds folios of up to 2 MiB as read-ahead ramps up; appends into them ran about 25% faster
     * (fewer TLB misses), but forcing a few bytes writes the whole folio back: a 1 KiB force 40 MiB
     * into a segment wrote 2 MiB to the device. Right for a file forced rarely and in bulk.
     */
    SPARSE,

    /**
     * Zeros written a page per write: page-sized folios, so a force writes back only the pages it
     * covers. Right for a file forced after every few appends.
     */
    PAGE_WRITES
}
