package io.robustmq.bench.amqp;

/**
 * A workload of the AMQP suite: how PerfTest runs it, which of its figures the {@code RATIO} line
 * divides, and the target for that ratio (ours / RabbitMQ's, same run).
 *
 * @param spec   how PerfTest runs it.
 * @param figure the figure its ratio divides.
 * @param target the target for the ratio: at least this for a rate, at most this for a latency.
 */
record AmqpWorkload(PerfTestRun.Spec spec, AmqpWorkload.Figure figure, double target)
{
    /**
     * The figure a workload's ratio divides.
     */
    enum Figure
    {
        /** Messages confirmed per second: higher is better. */
        CONFIRMED_RATE("msg/s", true, "_vs_rabbitmq"),
        /** Messages received per second: higher is better. */
        RECEIVED_RATE("msg/s", true, "_vs_rabbitmq"),
        /** The 99th percentile of the consumer latency: lower is better. */
        LATENCY_P99("us", false, "_p99_vs_rabbitmq");

        private final String unit;
        private final boolean higherIsBetter;
        private final String ratioSuffix;

        /**
         * @param unit           the figure's unit in the table.
         * @param higherIsBetter whether a higher figure is the better one.
         * @param ratioSuffix    what follows the workload's name in its {@code RATIO} line.
         */
        Figure(final String unit, final boolean higherIsBetter, final String ratioSuffix)
        {
            this.unit = unit;
            this.higherIsBetter = higherIsBetter;
            this.ratioSuffix = ratioSuffix;
        }

        /**
         * @return the figure's unit in the table.
         */
        String unit()
        {
            return unit;
        }

        /**
         * @return whether a higher figure is the better one.
         */
        boolean higherIsBetter()
        {
            return higherIsBetter;
        }

        /**
         * @return what follows the workload's name in its {@code RATIO} line.
         */
        String ratioSuffix()
        {
            return ratioSuffix;
        }
    }

    /**
     * @return the workload's name.
     */
    String name()
    {
        return spec.name();
    }

    /**
     * @param ratio ours / RabbitMQ's.
     * @return whether the ratio meets the target.
     */
    boolean met(final double ratio)
    {
        return figure.higherIsBetter() ? ratio >= target : ratio <= target;
    }

    /**
     * @return the target as the report writes it, e.g. {@code >= 3}.
     */
    String targetText()
    {
        final String bound = target == Math.rint(target) ? Long.toString((long)target) : Double.toString(target);
        return (figure.higherIsBetter() ? ">= " : "<= ") + bound;
    }
}
