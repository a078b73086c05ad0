package io.robustmq.plugin.kafka.api;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import org.apache.kafka.common.message.DescribeAclsResponseData;
import org.apache.kafka.common.message.FetchResponseData;
import org.apache.kafka.common.message.ProduceResponseData;
import org.apache.kafka.common.protocol.ApiKeys;
import org.apache.kafka.common.protocol.ApiMessage;
import org.apache.kafka.common.protocol.Errors;
import org.apache.kafka.common.requests.AbstractResponse;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * Meters per API, on {@code /metrics}:
 * <ul>
 *   <li>{@code robustmq_kafka_request_seconds} (tag {@code api}, e.g. {@code produce}): a histogram
 *       of the time from a request's arrival to its answer being queued for writing, with buckets
 *       from 100 us to 10 s, and its count: the requests answered;</li>
 *   <li>{@code robustmq_kafka_request_errors_total} (tags {@code api} and {@code error}, Kafka's
 *       error name, e.g. {@code NOT_LEADER_OR_FOLLOWER}): the error codes the answers carry, counted
 *       as Kafka's brokers count them (one per partition, group or resource in error), and requests
 *       that got no answer because their connection was closed ({@code error="CONNECTION_CLOSED"}).</li>
 * </ul>
 * Error codes are read with kafka-clients' response classes ({@link AbstractResponse#errorCounts()}),
 * made from each answer's data by a constructor found once per API; Fetch's, which has none that is
 * public, by walking its partitions, and DescribeAcls' (the same) by its one error code.
 */
public final class RequestMetrics
{
    private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(RequestMetrics.class);
    private static final String CLOSED = "CONNECTION_CLOSED";
    private static final Duration[] BUCKETS = {
        Duration.ofNanos(100_000), Duration.ofNanos(250_000), Duration.ofNanos(500_000), Duration.ofMillis(1),
        Duration.ofNanos(2_500_000), Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25),
        Duration.ofMillis(50), Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500),
        Duration.ofSeconds(1), Duration.ofNanos(2_500_000_000L), Duration.ofSeconds(10)};

    private final MeterRegistry registry;
    private final Map<ApiKeys, Timer> timers = new EnumMap<>(ApiKeys.class);
    private final Map<ApiKeys, MethodHandle> responses = new EnumMap<>(ApiKeys.class);
    private final Map<ApiKeys, Map<String, Counter>> errors = new EnumMap<>(ApiKeys.class);

    /**
     * @param registry the node's meter registry.
     * @param apis     the APIs answered.
     * @throws IllegalStateException if kafka-clients has no response class for one of them.
     */
    public RequestMetrics(final MeterRegistry registry, final Set<ApiKeys> apis)
    {
        this.registry = registry;
        for (final ApiKeys api : apis)
        {
            timers.put(api, Timer.builder("robustmq.kafka.request")
                .description("Kafka requests answered: time from arrival to the answer queued for writing")
                .tag("api", name(api))
                .serviceLevelObjectives(BUCKETS)
                .register(registry));
            if (api != ApiKeys.FETCH && api != ApiKeys.PRODUCE && api != ApiKeys.DESCRIBE_ACLS)
            {
                responses.put(api, responseConstructor(api));
            }
            errors.put(api, new ConcurrentHashMap<>());
        }
    }

    /**
     * A request was answered.
     *
     * @param api     its API.
     * @param version its version.
     * @param startNs {@link System#nanoTime()} when it arrived.
     * @param answer  its answer.
     */
    void answered(final ApiKeys api, final short version, final long startNs, final ApiMessage answer)
    {
        timers.get(api).record(System.nanoTime() - startNs, TimeUnit.NANOSECONDS);
        if (answer instanceof FetchResponseData fetch)
        {
            countFetchErrors(fetch);
            return;
        }
        if (answer instanceof ProduceResponseData produce)
        {
            countProduceErrors(produce);
            return;
        }
        if (answer instanceof DescribeAclsResponseData acls)
        {
            if (acls.errorCode() != Errors.NONE.code())
            {
                error(api, Errors.forCode(acls.errorCode()).name()).increment();
            }
            return;
        }
        final AbstractResponse response;
        try
        {
            response = (AbstractResponse)responses.get(api).invoke(answer, version);
        }
        catch (final Throwable ex)
        {
            // The answer goes out all the same: a meter must never cost a client its answer.
            LOG.warn("Kafka: cannot count the errors of a {} v{} answer: {}", api, version, ex.toString());
            return;
        }
        for (final Map.Entry<Errors, Integer> counted : response.errorCounts().entrySet())
        {
            if (counted.getKey() != Errors.NONE && counted.getValue() > 0)
            {
                error(api, counted.getKey().name()).increment(counted.getValue());
            }
        }
    }

    /**
     * Fetch's answers are counted here, as Kafka's FetchResponse counts them (the top-level error,
     * else each partition's): kafka-clients makes a FetchResponse from its data only internally.
     */
    private void countFetchErrors(final FetchResponseData fetch)
    {
        if (fetch.errorCode() != Errors.NONE.code())
        {
            error(ApiKeys.FETCH, Errors.forCode(fetch.errorCode()).name()).increment();
            return;
        }
        for (final FetchResponseData.FetchableTopicResponse topic : fetch.responses())
        {
            for (final FetchResponseData.PartitionData partition : topic.partitions())
            {
                if (partition.errorCode() != Errors.NONE.code())
                {
                    error(ApiKeys.FETCH, Errors.forCode(partition.errorCode()).name()).increment();
                }
            }
        }
    }

    /**
     * Produce's answers are counted here, each partition's error as Kafka's ProduceResponse counts
     * them, without making one (and its map of counts) for every request of the hottest API.
     */
    private void countProduceErrors(final ProduceResponseData produce)
    {
        for (final ProduceResponseData.TopicProduceResponse topic : produce.responses())
        {
            for (final ProduceResponseData.PartitionProduceResponse partition : topic.partitionResponses())
            {
                if (partition.errorCode() != Errors.NONE.code())
                {
                    error(ApiKeys.PRODUCE, Errors.forCode(partition.errorCode()).name()).increment();
                }
            }
        }
    }

    /**
     * A request got no answer: its connection was closed instead.
     *
     * @param api its API.
     */
    void closed(final ApiKeys api)
    {
        if (errors.containsKey(api))
        {
            error(api, CLOSED).increment();
        }
    }

    private Counter error(final ApiKeys api, final String error)
    {
        return errors.get(api).computeIfAbsent(error, name -> Counter.builder("robustmq.kafka.request.errors")
            .description("Error codes in Kafka answers, and requests whose connection was closed instead")
            .tag("api", name(api)).tag("error", name)
            .register(registry));
    }

    private static String name(final ApiKeys api)
    {
        return api.name().toLowerCase(Locale.ROOT);
    }

    /**
     * @return {@code new <Api>Response(data)} or {@code new <Api>Response(data, version)}, as an
     * {@code (ApiMessage, short) -> AbstractResponse} handle. Some of these constructors adjust the
     * data to the version (e.g. JoinGroup's protocol name), so they are given the answer's own.
     */
    private static MethodHandle responseConstructor(final ApiKeys api)
    {
        // ProduceResponseData is made into a ProduceResponse, and so on.
        final Class<?> data = api.messageType.newResponse().getClass();
        final String className = "org.apache.kafka.common.requests." +
            data.getSimpleName().substring(0, data.getSimpleName().length() - "Data".length());
        try
        {
            final Class<?> response = Class.forName(className);
            final MethodHandles.Lookup lookup = MethodHandles.publicLookup();
            MethodHandle constructor;
            try
            {
                constructor = lookup.findConstructor(response, MethodType.methodType(void.class, data, short.class));
            }
            catch (final NoSuchMethodException ex)
            {
                constructor = MethodHandles.dropArguments(
                    lookup.findConstructor(response, MethodType.methodType(void.class, data)), 1, short.class);
            }
            return constructor.asType(MethodType.methodType(AbstractResponse.class, ApiMessage.class, short.class));
        }
        catch (final ReflectiveOperationException ex)
        {
            throw new IllegalStateException("kafka-clients has no " + className + " made from its data", ex);
        }
    }
}
