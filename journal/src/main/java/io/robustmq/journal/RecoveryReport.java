package io.robustmq.journal;

import java.util.List;

/**
 * What opening a shard found and did.
 *
 * @param segments          segments opened.
 * @param checkedFrom       position in the active segment from which frames were checked with
 *                          their CRC (the recovery point; 0 without one).
 * @param checkedBytes      bytes of frames checked with their CRC.
 * @param truncatedAt       position in the active segment where a torn or corrupt tail was cut,
 *                          or -1 if none was.
 * @param truncationReason  why the tail was cut, or empty.
 * @param zeroedBytes       bytes past the end of the valid frames that were zeroed.
 * @param indexesRebuilt    sealed segments whose index file was missing or malformed and rebuilt.
 * @param quarantined       segment files renamed to {@code .corrupt}, with why.
 * @param corruptRanges     offsets that are not served.
 */
public record RecoveryReport(
    int segments,
    int checkedFrom,
    long checkedBytes,
    int truncatedAt,
    String truncationReason,
    int zeroedBytes,
    int indexesRebuilt,
    List<String> quarantined,
    List<CorruptRange> corruptRanges)
{
    /**
     * @return true if recovery lost or set aside nothing.
     */
    public boolean isClean()
    {
        return truncatedAt < 0 && quarantined.isEmpty() && corruptRanges.isEmpty();
    }
}
