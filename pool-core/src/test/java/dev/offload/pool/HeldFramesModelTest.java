package dev.offload.pool;

import org.jetbrains.kotlinx.lincheck.Actor;
import org.jetbrains.kotlinx.lincheck.LinChecker;
import org.jetbrains.kotlinx.lincheck.LinCheckerKt;
import org.jetbrains.kotlinx.lincheck.execution.ExecutionScenario;
import org.jetbrains.kotlinx.lincheck.strategy.LincheckFailure;
import org.jetbrains.kotlinx.lincheck.strategy.managed.modelchecking.ModelCheckingOptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The hand-off of JOB frames a dispatch held back ({@link WorkerLink#tryDispatch},
 * {@link WorkerLink#flushHeld}), model-checked without processes on {@link HeldFramesModel}: every
 * frame held is written while the worker still has something to answer, whoever holds the dispatch
 * lock when the role holder wants it. The two broken variants must fail: they are the proof that
 * the model can see a frame left held.
 */
// In a separate thread: a model-checked run that hangs does not answer the interrupt of the default mode.
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class HeldFramesModelTest {

    @Test
    void shouldWriteEveryHeldFrameWhoeverHoldsTheLockWhenTheWorkerRunsLow() {
        LincheckRuns.reset();
        LinChecker.check(HeldFramesModel.class, options()
                .iterations(10)
                .addCustomScenario(holdAsTheLastAnswersAreRead(HeldFramesModel.class))
                .addCustomScenario(twoCallersHoldAsTheLastAnswersAreRead(HeldFramesModel.class)));
        System.out.println("no frame left held in " + LincheckRuns.summary());
    }

    /** Without its second look, a dispatch that decided to hold on a stale count leaves the frame held. */
    @Test
    void shouldLeaveAFrameHeldIfTheDispatchDoesNotLookAgainAfterHolding() {
        LincheckFailure failure = LinCheckerKt.checkImpl(options()
                .addCustomScenario(holdAsTheLastAnswersAreRead(HeldFramesModel.NoCheckAfterHolding.class)),
                HeldFramesModel.NoCheckAfterHolding.class);

        assertLeftHeld(failure);
    }

    /** Without the flag check, a dispatch that held the lock while the role holder wanted to flush leaves the frame held. */
    @Test
    void shouldLeaveAFrameHeldIfTheDispatchIgnoresTheFlagAsItLetsTheLockGo() {
        LincheckFailure failure = LinCheckerKt.checkImpl(options()
                .addCustomScenario(holdAsTheLastAnswersAreRead(HeldFramesModel.NoFlagCheckAfterUnlock.class)),
                HeldFramesModel.NoFlagCheckAfterUnlock.class);

        assertLeftHeld(failure);
    }

    private static ModelCheckingOptions options() {
        return new ModelCheckingOptions()
                .verifier(LincheckRuns.ResultsUnchecked.class)
                .iterations(0)
                .invocationsPerIteration(1_000)
                .threads(3)
                .actorsPerThread(3)
                .actorsBefore(2)
                .actorsAfter(0);
    }

    private static void assertLeftHeld(LincheckFailure failure) {
        assertThat(failure).as("the model checker finds the frame left held").isNotNull();
        System.out.println(failure);
        assertThat(failure.toString()).contains("= Validation function everyHeldFrameIsWritten has failed =")
                .contains("nobody left to write them");
    }

    /** Two jobs in the worker's hand; a caller holds the third as the worker answers both and the reader reads them. */
    static ExecutionScenario holdAsTheLastAnswersAreRead(Class<? extends HeldFramesModel> model) {
        return new ExecutionScenario(List.of(actor(model, "submit"), actor(model, "submit")),
                List.of(List.of(actor(model, "submit")),
                        List.of(actor(model, "workerAnswers"), actor(model, "workerAnswers")),
                        List.of(actor(model, "readerReads"), actor(model, "readerReads"))),
                List.of(), null);
    }

    /** The same with two callers submitting at once, the worker and the reader on one thread. */
    static ExecutionScenario twoCallersHoldAsTheLastAnswersAreRead(Class<? extends HeldFramesModel> model) {
        return new ExecutionScenario(List.of(actor(model, "submit"), actor(model, "submit")),
                List.of(List.of(actor(model, "submit"), actor(model, "submit")),
                        List.of(actor(model, "submit")),
                        List.of(actor(model, "workerAnswers"), actor(model, "readerReads"), actor(model, "workerAnswers"),
                                actor(model, "readerReads"))),
                List.of(), null);
    }

    private static Actor actor(Class<?> model, String operation) {
        try {
            return new Actor(model.getMethod(operation), List.of());
        } catch (NoSuchMethodException e) {
            throw new AssertionError(operation + " is not an operation of " + model.getSimpleName(), e);
        }
    }
}
