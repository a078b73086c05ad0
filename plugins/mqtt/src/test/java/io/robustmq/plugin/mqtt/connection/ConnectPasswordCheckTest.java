package io.robustmq.plugin.mqtt.connection;

import io.netty.util.concurrent.ImmediateEventExecutor;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ConnectPasswordCheckTest
{
    private static List<String> verdict(final PasswordCheck passwords)
    {
        final List<String> told = new ArrayList<>();
        new ConnectPasswordCheck(passwords).start("alice", new byte[0], ImmediateEventExecutor.INSTANCE,
            (verdict, detail) -> told.add(verdict + ":" + detail));
        return told;
    }

    @Test
    void tellsAcceptedRefusedOrBusy()
    {
        assertEquals(List.of("ACCEPTED:"), verdict((user, password) -> CompletableFuture.completedFuture(true)));
        assertEquals(List.of("REFUSED:bad user name or password"),
            verdict((user, password) -> CompletableFuture.completedFuture(false)));
        assertEquals(List.of("REFUSED:bad user name or password"),
            verdict((user, password) -> CompletableFuture.failedFuture(new IllegalStateException("no metadata"))));
        assertEquals(List.of("BUSY:9 waiting"),
            verdict((user, password) -> CompletableFuture.failedFuture(new PasswordCheck.BusyException("9 waiting"))));
    }

    @Test
    void aCheckStillQueuedWhenTheClientGoesIsSkippedAndNeverTold() throws Exception
    {
        final ExecutorService checker = Executors.newSingleThreadExecutor();
        try
        {
            final CountDownLatch busy = new CountDownLatch(1);
            checker.execute(() ->
            {
                try
                {
                    busy.await(10, TimeUnit.SECONDS);
                }
                catch (final InterruptedException ex)
                {
                    Thread.currentThread().interrupt();
                }
            });
            final AtomicInteger derived = new AtomicInteger();
            final ConnectPasswordCheck check = new ConnectPasswordCheck((user, password) ->
                CompletableFuture.supplyAsync(() -> derived.incrementAndGet() > 0, checker));
            final List<String> told = new ArrayList<>();
            check.start("alice", new byte[0], ImmediateEventExecutor.INSTANCE, (verdict, detail) -> told.add("told"));

            check.cancel();
            busy.countDown();
            checker.submit(() -> { }).get(10, TimeUnit.SECONDS);

            assertEquals(0, derived.get(), "the queued check was skipped");
            assertTrue(told.isEmpty(), "no verdict after the client went: " + told);
        }
        finally
        {
            checker.shutdownNow();
        }
    }
}
