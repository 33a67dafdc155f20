package dev.offload.pool;

import org.jetbrains.kotlinx.lincheck.execution.ExecutionResult;
import org.jetbrains.kotlinx.lincheck.execution.ExecutionScenario;
import org.jetbrains.kotlinx.lincheck.verifier.Verifier;
import org.jetbrains.kotlinx.lincheck.verifier.linearizability.LinearizabilityVerifier;

import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What a Lincheck check ran: scenarios and invocations (interleavings). Lincheck 2.x says nothing
 * when a check passes, and a model checker that explored little proves little, so the tests print
 * these counts. Counted in the verifier, which Lincheck calls once per invocation outside the
 * model-checked threads (static state touched by those threads is reset after every invocation).
 *
 * <p>Not thread-safe across checks: Lincheck runs one check at a time, and so do these tests.
 */
final class LincheckRuns {
    private static final AtomicLong INVOCATIONS = new AtomicLong();
    private static final Set<ExecutionScenario> SCENARIOS = Collections.synchronizedSet(Collections.newSetFromMap(new IdentityHashMap<>()));

    private LincheckRuns() {
    }

    static void reset() {
        INVOCATIONS.set(0);
        SCENARIOS.clear();
    }

    /** For the test's output, after a check: "N scenarios, M invocations". */
    static String summary() {
        return SCENARIOS.size() + " scenarios, " + INVOCATIONS.get() + " invocations";
    }

    private static void count(ExecutionScenario scenario) {
        INVOCATIONS.incrementAndGet();
        SCENARIOS.add(scenario);
    }

    /** Lincheck's linearizability check, counted. */
    public static final class Linearizable implements Verifier {
        private final Verifier delegate;

        public Linearizable(Class<?> sequentialSpecification) {
            this.delegate = new LinearizabilityVerifier(sequentialSpecification);
        }

        @Override
        public boolean verifyResults(ExecutionScenario scenario, ExecutionResult results) {
            count(scenario);
            return delegate.verifyResults(scenario, results);
        }
    }

    /** No check of return values (the operations return none; the validation function judges), counted. */
    public static final class ResultsUnchecked implements Verifier {
        public ResultsUnchecked(Class<?> sequentialSpecification) {
        }

        @Override
        public boolean verifyResults(ExecutionScenario scenario, ExecutionResult results) {
            count(scenario);
            return true;
        }
    }
}
