package io.robustmq.bench.meta;

import io.aeron.CncFileDescriptor;
import org.agrona.IoUtil;
import org.agrona.concurrent.UnsafeBuffer;
import org.agrona.concurrent.status.CountersReader;

import java.io.File;
import java.nio.MappedByteBuffer;
import java.nio.file.Path;

/**
 * Reads a node's Aeron counters from outside its process: they live in the media driver's
 * {@code cnc.dat}, in the node's Aeron directory, which another process may map and read.
 */
final class AeronCounterReader
{
    private AeronCounterReader()
    {
    }

    /**
     * @param aeronDirectory the node's Aeron directory.
     * @param typeId         the counter's type, e.g. {@code AeronCounters.CLUSTER_CLIENT_TIMEOUT_COUNT_TYPE_ID}.
     * @return the sum of the allocated counters of that type, or -1 if the file or the counter is not there.
     */
    static long value(final Path aeronDirectory, final int typeId)
    {
        final File cnc = aeronDirectory.resolve(CncFileDescriptor.CNC_FILE).toFile();
        if (!cnc.isFile())
        {
            return -1;
        }
        final MappedByteBuffer mapped = IoUtil.mapExistingFile(cnc, "cnc");
        try
        {
            final UnsafeBuffer metaData = CncFileDescriptor.createMetaDataBuffer(mapped);
            CncFileDescriptor.checkVersion(metaData.getInt(CncFileDescriptor.cncVersionOffset(0)));
            final CountersReader counters = new CountersReader(
                CncFileDescriptor.createCountersMetaDataBuffer(mapped, metaData),
                CncFileDescriptor.createCountersValuesBuffer(mapped, metaData));
            final long[] sum = {-1};
            counters.forEach((counterId, type, keyBuffer, label) ->
            {
                if (type == typeId)
                {
                    sum[0] = Math.max(sum[0], 0) + counters.getCounterValue(counterId);
                }
            });
            return sum[0];
        }
        finally
        {
            IoUtil.unmap(mapped);
        }
    }
}
