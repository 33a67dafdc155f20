package dev.offload.pool;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.time.Duration;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/** The hand-off of an outcome to a thread waiting in get/join, and every way such a wait ends. */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class JobFutureTest {
    private final ExecutorService waiters = Executors.newCachedThreadPool(r -> new Thread(r, "test-waiter"));
    private final AtomicInteger callbackRuns = new AtomicInteger();
    private final ExecutorService callbackThread = Executors.newSingleThreadExecutor(r -> new Thread(r, "test-callback"));

    @AfterEach
    void stopThreads() throws InterruptedException {
        waiters.shutdownNow();
        callbackThread.shutdownNow();
        assertThat(waiters.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
        assertThat(callbackThread.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    /** Waits on a test thread; its future gives what the wait threw (null if it returned). */
    private Future<Throwable> failureOf(Callable<?> wait) {
        return waiters.submit(() -> {
            try {
                wait.call();
                return null;
            } catch (Exception e) {
                return e;
            }
        });
    }

    private void callbacks(Runnable task) {
        callbackRuns.incrementAndGet();
        callbackThread.execute(task);
    }

    @Test
    void shouldHandTheValueToAThreadWaitingInJoinWithoutTheCallbackExecutor() throws Exception {
        JobFuture<String> future = new JobFuture<>();
        AtomicReference<Thread> completer = new AtomicReference<>();
        Future<String> joined = waiters.submit(() -> future.join());
        await().atMost(Duration.ofSeconds(10)).until(future::hasWaiter);

        future.settle("done", null, this::callbacks);

        assertThat(joined.get(10, TimeUnit.SECONDS)).isEqualTo("done");
        assertThat(callbackRuns).hasValue(0);
        assertThat(future).isCompletedWithValue("done");
        // A stage added afterwards runs at once, on the thread that adds it, as for any completed future.
        future.thenRun(() -> completer.set(Thread.currentThread())).join();
        assertThat(completer.get()).isSameAs(Thread.currentThread());
    }

    @Test
    void shouldForgetItsJobAndTheJobsInputOnceCompleted() {
        JobFuture<Object> future = new JobFuture<>();
        future.job = new Job(1, 1, "Handler", new byte[1 << 20], null, 0, 1, Duration.ZERO, null, null, future);
        future.settle("v", null, Runnable::run);
        assertThat(future).isCompletedWithValue("v");
        assertThat(future.job).isNull();

        JobFuture<Object> cancelled = new JobFuture<>();
        cancelled.job = new Job(2, 2, "Handler", new byte[1 << 20], null, 0, 1, Duration.ZERO, null, null, cancelled);
        cancelled.cancel(true);
        assertThat(cancelled.job).isNull();
    }

    @Test
    void shouldHandAFailureToAThreadWaitingInGet() throws Exception {
        JobFuture<String> future = new JobFuture<>();
        Future<Throwable> got = failureOf(future::get);
        await().atMost(Duration.ofSeconds(10)).until(future::hasWaiter);
        IllegalStateException failure = new IllegalStateException("boom");

        future.settle(null, failure, this::callbacks);

        assertThat(got.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class).hasCause(failure);
        assertThat(callbackRuns).hasValue(0);
    }

    @Test
    void shouldCompleteOnTheCallbackExecutorWhenAStageDependsOnTheFuture() throws Exception {
        JobFuture<String> future = new JobFuture<>();
        AtomicReference<String> stageThread = new AtomicReference<>();
        var stage = future.thenApply(v -> {
            stageThread.set(Thread.currentThread().getName());
            return v + "!";
        });
        Future<String> joined = waiters.submit(() -> future.join());
        await().atMost(Duration.ofSeconds(10)).until(future::hasWaiter);

        future.settle("v", null, this::callbacks);

        assertThat(joined.get(10, TimeUnit.SECONDS)).isEqualTo("v");
        assertThat(stage.get(10, TimeUnit.SECONDS)).isEqualTo("v!");
        assertThat(callbackRuns).hasValue(1);
        assertThat(stageThread.get()).isEqualTo("test-callback");
    }

    /** Nobody waits (any more): the callback executor completes the future. */
    @Test
    void shouldTimeOutAndLeaveTheOutcomeToTheCallbackExecutor() throws Exception {
        JobFuture<String> future = new JobFuture<>();
        assertThatThrownBy(() -> future.get(50, TimeUnit.MILLISECONDS)).isInstanceOf(TimeoutException.class);
        assertThat(future.hasWaiter()).isFalse();

        future.settle("late", null, this::callbacks);
        assertThat(future.get(10, TimeUnit.SECONDS)).isEqualTo("late");
        assertThat(callbackRuns).hasValue(1);
    }

    @Test
    void shouldStopWaitingInGetWhenInterruptedButNotInJoin() throws Exception {
        JobFuture<String> future = new JobFuture<>();
        AtomicReference<Thread> getter = new AtomicReference<>();
        Future<Throwable> got = failureOf(() -> {
            getter.set(Thread.currentThread());
            return future.get();
        });
        await().atMost(Duration.ofSeconds(10)).until(future::hasWaiter);
        getter.get().interrupt();
        assertThat(got.get(10, TimeUnit.SECONDS)).isInstanceOf(InterruptedException.class);
        await().atMost(Duration.ofSeconds(10)).until(() -> !future.hasWaiter());

        AtomicReference<Boolean> stillInterrupted = new AtomicReference<>();
        AtomicReference<Thread> joiner = new AtomicReference<>();
        Future<String> joined = waiters.submit(() -> {
            joiner.set(Thread.currentThread());
            String v = future.join();
            stillInterrupted.set(Thread.currentThread().isInterrupted());
            return v;
        });
        await().atMost(Duration.ofSeconds(10)).until(future::hasWaiter);
        joiner.get().interrupt();
        // join() ignores the interrupt (it keeps the status) and still gets the outcome.
        future.settle("v", null, this::callbacks);
        assertThat(joined.get(10, TimeUnit.SECONDS)).isEqualTo("v");
        assertThat(stillInterrupted.get()).isTrue();
    }

    @Test
    void shouldWakeAWaiterWhenTheFutureIsCancelledOrCompletedFromOutside() throws Exception {
        JobFuture<String> cancelled = new JobFuture<>();
        Future<Throwable> cancelledWait = failureOf(cancelled::join);
        await().atMost(Duration.ofSeconds(10)).until(cancelled::hasWaiter);
        assertThat(cancelled.cancel(true)).isTrue();
        assertThat(cancelledWait.get(10, TimeUnit.SECONDS)).isInstanceOf(CancellationException.class);

        JobFuture<String> completedByUser = new JobFuture<>();
        Future<Throwable> failedWait = failureOf(completedByUser::join);
        await().atMost(Duration.ofSeconds(10)).until(completedByUser::hasWaiter);
        IllegalArgumentException mine = new IllegalArgumentException("mine");
        completedByUser.completeExceptionally(mine);
        assertThat(failedWait.get(10, TimeUnit.SECONDS)).isInstanceOf(CompletionException.class).hasCause(mine);
    }
}
