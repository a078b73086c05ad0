package io.robustmq.kernel.storage;

import io.robustmq.plugin.api.metadata.Metadata;

import java.lang.reflect.Proxy;
import java.util.List;
import java.util.Optional;

/**
 * A {@link Metadata} without topics, for what keeps only private shards and runs without a Meta
 * Service (benchmarks, tests): every look-up finds nothing, and anything else is refused with
 * {@link UnsupportedOperationException}.
 */
public final class NoTopicsMetadata
{
    private NoTopicsMetadata()
    {
    }

    public static Metadata create()
    {
        return (Metadata)Proxy.newProxyInstance(Metadata.class.getClassLoader(), new Class<?>[]{Metadata.class},
            (proxy, method, args) -> switch (method.getName())
            {
                case "topic", "shard", "group", "object" -> Optional.empty();
                case "topics", "shards", "nodes", "groups", "objects" -> List.of();
                case "toString" -> "no topics";
                case "hashCode" -> System.identityHashCode(proxy);
                case "equals" -> proxy == args[0];
                default -> throw new UnsupportedOperationException("no Meta Service in this test: " + method.getName());
            });
    }
}
