package io.robustmq.plugin.mqtt.connection;

import java.util.concurrent.CompletionStage;

/**
 * Checks a CONNECT's user name and password, off the event loop (a password check derives a key,
 * which takes milliseconds of CPU).
 */
@FunctionalInterface
public interface PasswordCheck
{
    /**
     * @param user     the user name.
     * @param password the password's bytes (UTF-8), possibly empty.
     * @return completed with true if the user exists and the password is theirs.
     */
    CompletionStage<Boolean> check(String user, byte[] password);

    /**
     * The check was not made: too many are waiting. The client is told the server is busy.
     */
    final class BusyException extends RuntimeException
    {
        private static final long serialVersionUID = 1L;

        /**
         * @param message why.
         */
        public BusyException(final String message)
        {
            super(message, null, false, false);
        }
    }
}
