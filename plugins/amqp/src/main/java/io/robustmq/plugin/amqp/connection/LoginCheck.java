package io.robustmq.plugin.amqp.connection;

import io.robustmq.plugin.amqp.AmqpSettings;
import io.robustmq.plugin.amqp.codec.Login;
import io.robustmq.plugin.api.metadata.Metadata;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Arrays;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;

/**
 * Decides logins. A user's password is checked against the cluster's users (a key derivation of a
 * few milliseconds: on the plugin's own thread, {@code robustmq-amqp-auth}, with a bounded queue,
 * never on an event loop). The user {@code guest} follows RabbitMQ's default user: while the
 * cluster has no user of that name, {@code guest}/{@code guest} logs in built in; and with
 * {@link AmqpSettings.Guest#LOOPBACK} a user named {@code guest}, built in or the cluster's, logs
 * in from a loopback address only.
 * <p>
 * Thread-safe.
 */
final class LoginCheck implements AutoCloseable
{
    /** The built-in user's name and password, as RabbitMQ's. */
    static final String GUEST = "guest";

    private final Metadata metadata;
    private final AmqpSettings.Guest guest;
    private final ThreadPoolExecutor thread;

    /**
     * @param metadata   the cluster's users.
     * @param guest      where {@code guest} may log in from.
     * @param maxPending checks waiting at once; one more is refused.
     */
    LoginCheck(final Metadata metadata, final AmqpSettings.Guest guest, final int maxPending)
    {
        this.metadata = metadata;
        this.guest = guest;
        this.thread = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS, new ArrayBlockingQueue<>(maxPending),
            task ->
            {
                final Thread t = new Thread(task, "robustmq-amqp-auth");
                t.setDaemon(true);
                return t;
            }, new ThreadPoolExecutor.AbortPolicy());
    }

    /**
     * Decide a login, later, on the plugin's auth thread (or at once for {@code guest}).
     *
     * @param login  who, with what password (cleared once checked).
     * @param remote where the client connects from.
     * @param done   told null if the login is accepted, else why not (for the log; the client is told
     *               less).
     * @return false if too many logins wait already: nothing was checked and {@code done} is not told.
     */
    boolean check(final Login login, final SocketAddress remote, final Consumer<String> done)
    {
        if (GUEST.equals(login.user()))
        {
            if (guest == AmqpSettings.Guest.LOOPBACK && !isLoopback(remote))
            {
                clear(login);
                done.accept("user 'guest' can only connect via localhost");
                return true;
            }
            if (guest != AmqpSettings.Guest.NEVER && !clusterHasUser(GUEST))
            {
                final boolean right = Arrays.equals(login.password(), GUEST.toCharArray());
                clear(login);
                done.accept(right ? null : "wrong password for the built-in user 'guest'");
                return true;
            }
        }
        try
        {
            thread.execute(() ->
            {
                final boolean right;
                try
                {
                    right = metadata.checkPassword(login.user(), login.password());
                }
                finally
                {
                    clear(login);
                }
                done.accept(right ? null : "unknown user or wrong password");
            });
            return true;
        }
        catch (final RejectedExecutionException ex)
        {
            clear(login);
            return false;
        }
    }

    private boolean clusterHasUser(final String user)
    {
        return metadata.scramCredential(user, "SCRAM-SHA-256").isPresent() ||
            metadata.scramCredential(user, "SCRAM-SHA-512").isPresent();
    }

    private static boolean isLoopback(final SocketAddress remote)
    {
        return remote instanceof InetSocketAddress address && address.getAddress() != null &&
            address.getAddress().isLoopbackAddress();
    }

    private static void clear(final Login login)
    {
        Arrays.fill(login.password(), '\0');
    }

    @Override
    public void close()
    {
        thread.shutdownNow();
    }
}
