package dev.offload.cluster;

import dev.offload.pool.JobFailedException;
import dev.offload.pool.JobTimeoutException;
import dev.offload.pool.OffloadException;
import dev.offload.pool.PoolRejectedException;
import dev.offload.pool.WorkerCrashedException;
import org.junit.jupiter.api.Test;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletionException;

import static org.assertj.core.api.Assertions.assertThat;

/** A failure on the host that ran a job comes back as the same exception, naming that host. */
class OutcomeTest {
    private static final String HOST = "10.0.0.2:5701";

    @Test
    void shouldKeepWhatTheHandlerThrew() {
        var thrown = new JobFailedException("Fib failed on worker 1", "java.lang.ArithmeticException", "/ by zero", "at Fib.handle");

        var back = (JobFailedException) Outcome.of(null, new CompletionException(thrown)).toException(HOST);

        assertThat(back).hasMessage("Fib failed on worker 1 (on host 10.0.0.2:5701)");
        assertThat(back.remoteType()).isEqualTo("java.lang.ArithmeticException");
        assertThat(back.remoteMessage()).isEqualTo("/ by zero");
        assertThat(back.remoteStackTrace()).isEqualTo("at Fib.handle");
    }

    @Test
    void shouldKeepHowTheWorkerDied() {
        var thrown = new WorkerCrashedException("worker 1 died", 137, "SIGKILL", List.of("line 1", "line 2"));

        var back = (WorkerCrashedException) Outcome.of(null, thrown).toException(HOST);

        assertThat(back).hasMessageEndingWith("(on host 10.0.0.2:5701)");
        assertThat(back.exitCode()).isEqualTo(137);
        assertThat(back.signal()).contains("SIGKILL");
        assertThat(back.stderrTail()).containsExactly("line 1", "line 2");
    }

    @Test
    void shouldKeepTimeoutsAndRejections() {
        var timedOut = Outcome.of(null, new JobTimeoutException("job 3 timed out", Duration.ofMillis(250))).toException(HOST);
        var rejected = Outcome.of(null, new PoolRejectedException(PoolRejectedException.Reason.SHUT_DOWN, "closed"))
                .toException(HOST);

        assertThat(((JobTimeoutException) timedOut).timeout()).isEqualTo(Duration.ofMillis(250));
        assertThat(((PoolRejectedException) rejected).reason()).isEqualTo(PoolRejectedException.Reason.SHUT_DOWN);
        assertThat(Outcome.of(null, new CancellationException()).kind).isEqualTo(Outcome.Kind.CANCELLED);
    }

    @Test
    void shouldNameTheTypeOfAnythingElse() {
        var back = Outcome.of(null, new IllegalStateException("odd")).toException(HOST);

        assertThat(back).isExactlyInstanceOf(OffloadException.class)
                .hasMessage("java.lang.IllegalStateException: odd (on host 10.0.0.2:5701)");
    }

    @Test
    void shouldCarryAResultUntouched() {
        byte[] json = {'4', '2'};

        Outcome outcome = Outcome.of(json, null);

        assertThat(outcome.kind).isEqualTo(Outcome.Kind.RESULT);
        assertThat(outcome.result).isSameAs(json);
    }
}
