package io.robustmq.plugin.mqtt.connection;

import io.netty.util.concurrent.EventExecutor;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

/**
 * One connection's password check for its CONNECT: run off the event loop by a
 * {@link PasswordCheck}, its verdict handed back on the connection's event loop; a check still
 * waiting when the client goes is cancelled, so no key is derived for a client that has gone.
 * Threading: the connection's event loop only.
 */
final class ConnectPasswordCheck
{
    /** What the check says. */
    enum Verdict
    {
        /** The user exists and the password is theirs. */
        ACCEPTED,
        /** Unknown user, wrong password, or the check failed. */
        REFUSED,
        /** Not checked: too many checks are waiting. */
        BUSY
    }

    /** Told the verdict, on the event loop. */
    @FunctionalInterface
    interface Outcome
    {
        /**
         * @param verdict what the check says.
         * @param detail  why, for a refusal or BUSY; empty otherwise.
         */
        void on(Verdict verdict, String detail);
    }

    private final PasswordCheck passwords;
    private CompletableFuture<Boolean> pending;

    ConnectPasswordCheck(final PasswordCheck passwords)
    {
        this.passwords = passwords;
    }

    /**
     * @param user     the CONNECT's user name.
     * @param password its password's bytes, possibly empty.
     * @param loop     the connection's event loop, where the outcome is told.
     * @param outcome  told the verdict, unless {@link #cancel()} came first.
     */
    void start(final String user, final byte[] password, final EventExecutor loop, final Outcome outcome)
    {
        final CompletableFuture<Boolean> check = passwords.check(user, password).toCompletableFuture();
        pending = check;
        check.whenComplete((ok, failure) -> loop.execute(() ->
        {
            if (pending != check)
            {
                return;
            }
            pending = null;
            final Throwable cause = failure instanceof CompletionException && failure.getCause() != null ?
                failure.getCause() : failure;
            if (cause instanceof PasswordCheck.BusyException)
            {
                outcome.on(Verdict.BUSY, cause.getMessage());
            }
            else if (cause != null || !ok)
            {
                outcome.on(Verdict.REFUSED, "bad user name or password");
            }
            else
            {
                outcome.on(Verdict.ACCEPTED, "");
            }
        }));
    }

    /**
     * The client has gone: a check still queued is skipped, and its outcome never told.
     */
    void cancel()
    {
        final CompletableFuture<Boolean> check = pending;
        pending = null;
        if (check != null)
        {
            check.cancel(false);
        }
    }
}
