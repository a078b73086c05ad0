package io.robustmq.meta.state;

import io.robustmq.meta.codecs.ResultCode;

/**
 * A command's outcome as the state machine answers it, and remembers it to answer a retry: its
 * result code and, for a PutObject applied, the version it stored.
 *
 * @param code          the result.
 * @param objectVersion the version a PutObject stored; 0 for any other command, or a refusal.
 */
public record CommandOutcome(ResultCode code, long objectVersion)
{
    private static final CommandOutcome[] PLAIN = new CommandOutcome[ResultCode.values().length];

    static
    {
        for (final ResultCode code : ResultCode.values())
        {
            PLAIN[code.ordinal()] = new CommandOutcome(code, 0);
        }
    }

    /**
     * @param code a result.
     * @return the outcome with that code and no object version (one shared instance per code).
     */
    public static CommandOutcome of(final ResultCode code)
    {
        return PLAIN[code.ordinal()];
    }
}
