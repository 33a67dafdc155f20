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
 * The sleep/wake protocol around {@link ReaderRole}, model-checked without processes on
 * {@link WakeUpModel}: "no lost wake-up" means every frame a worker appends is read, every dispatch
 * request is served and every gone worker reaped, with no help from the reader thread's
 * safety-net timeout. The broken variants of the protocol are checked too, and must fail: they are
 * the proof that the model and its validation can see a lost wake-up at all.
 */
// In a separate thread: a model-checked run that hangs does not answer the interrupt of the default mode.
@Timeout(value = 120, unit = TimeUnit.SECONDS, threadMode = Timeout.ThreadMode.SEPARATE_THREAD)
class ReaderRoleWakeUpModelTest {

    @Test
    void shouldReadEveryFrameAndServeEveryDispatchRequestWithoutTheSafetyNet() {
        LincheckRuns.reset();
        LinChecker.check(WakeUpModel.class, options()
                .iterations(8)
                .addCustomScenario(callerLetsGoAsAFrameComes(WakeUpModel.class))
                .addCustomScenario(rescueWhileTheFirstReaderSleeps(WakeUpModel.class))
                .addCustomScenario(dispatchRequestedAsACallerLetsGo(WakeUpModel.class))
                .addCustomScenario(workerExitsAsACallerLetsGo(WakeUpModel.class)));
        System.out.println("no lost wake-up in " + LincheckRuns.summary());
    }

    /** The protocol before the fix: a woken reader thread that finds the role held just sleeps again. */
    @Test
    void shouldLoseAFrameIfTheWokenReaderThreadSleepsAgainWhileACallerLetsTheRoleGo() {
        LincheckFailure failure = LinCheckerKt.checkImpl(options()
                .addCustomScenario(callerLetsGoAsAFrameComes(WakeUpModel.ReaderThreadSleepsAgain.class)), WakeUpModel.ReaderThreadSleepsAgain.class);

        assertLostWakeUp(failure, "has unread frames");
    }

    /** The same hole, for a worker's exit: the reader thread is woken, the holder never hears of it. */
    @Test
    void shouldLeaveAGoneWorkerUnreapedIfTheWokenReaderThreadSleepsAgainWhileACallerLetsTheRoleGo() {
        LincheckFailure failure = LinCheckerKt.checkImpl(options()
                .addCustomScenario(workerExitsAsACallerLetsGo(WakeUpModel.ReaderThreadSleepsAgain.class)), WakeUpModel.ReaderThreadSleepsAgain.class);

        assertLostWakeUp(failure, "is gone but nobody reaped it");
    }

    /** The protocol before the fix: a reader thread replaced by a rescuer leaves with the wake-up it drained. */
    @Test
    void shouldLoseAFrameIfAReplacedReaderThreadLeavesWithTheWakeUpItTook() {
        LincheckFailure failure = LinCheckerKt.checkImpl(options()
                .addCustomScenario(rescueWhileTheFirstReaderSleeps(WakeUpModel.ReplacedReaderLeavesQuietly.class)), WakeUpModel.ReplacedReaderLeavesQuietly.class);

        assertLostWakeUp(failure, "has unread frames");
    }

    /** The model's own sensitivity: a worker that looks for a sleeper before it appends loses a wake-up. */
    @Test
    void shouldLoseAFrameIfTheWorkerLooksForASleeperBeforeItAppends() {
        LincheckFailure failure = LinCheckerKt.checkImpl(options()
                .addCustomScenario(callerLetsGoAsAFrameComes(WakeUpModel.WorkerRingsFirst.class)), WakeUpModel.WorkerRingsFirst.class);

        assertLostWakeUp(failure, "has unread frames");
    }

    /** Random scenarios come on top of the custom ones only where a test asks for iterations. */
    private static ModelCheckingOptions options() {
        return new ModelCheckingOptions()
                .verifier(LincheckRuns.ResultsUnchecked.class)
                .iterations(0)
                .invocationsPerIteration(600)
                .threads(3)
                .actorsPerThread(2)
                .actorsBefore(1)
                .actorsAfter(1);
    }

    /** The failure Lincheck found, with its interleaving, goes to the test's output for the reader of the report. */
    private static void assertLostWakeUp(LincheckFailure failure, String what) {
        assertThat(failure).as("the model checker finds the lost wake-up").isNotNull();
        System.out.println(failure);
        assertThat(failure.toString()).contains("= Validation function everyFrameIsReadByWhoeverIsWoken has failed =")
                .contains(what).contains("no wake-up is pending");
    }

    // ---- the stories every run checks first (random scenarios may or may not contain them) ----

    /** A caller reads, arms every channel and is about to let the role go as a frame comes. */
    static ExecutionScenario callerLetsGoAsAFrameComes(Class<? extends WakeUpModel> model) {
        return new ExecutionScenario(List.of(),
                List.of(List.of(actor(model, "callerLeads")),
                        List.of(actor(model, "worker0Sends")),
                        List.of(actor(model, "firstReaderThreadWakes"))),
                List.of(), null);
    }

    /** A caller is in user code on a frame it read; the supervisor rescues while the first reader thread sleeps. */
    static ExecutionScenario rescueWhileTheFirstReaderSleeps(Class<? extends WakeUpModel> model) {
        return new ExecutionScenario(List.of(actor(model, "worker0Sends")),
                List.of(List.of(actor(model, "callerLeads")),
                        List.of(actor(model, "supervisorRescuesStalledReader"), actor(model, "worker1Sends")),
                        List.of(actor(model, "firstReaderThreadWakes"))),
                List.of(), null);
    }

    /** A thread asks for a dispatch as a caller lets the role go. */
    static ExecutionScenario dispatchRequestedAsACallerLetsGo(Class<? extends WakeUpModel> model) {
        return new ExecutionScenario(List.of(),
                List.of(List.of(actor(model, "callerLeads")),
                        List.of(actor(model, "requestDispatch")),
                        List.of(actor(model, "firstReaderThreadWakes"))),
                List.of(), null);
    }

    /** A worker exits (a plain wake-up, no flag) as a caller lets the role go. */
    static ExecutionScenario workerExitsAsACallerLetsGo(Class<? extends WakeUpModel> model) {
        return new ExecutionScenario(List.of(),
                List.of(List.of(actor(model, "callerLeads")),
                        List.of(actor(model, "worker0Exits")),
                        List.of(actor(model, "firstReaderThreadWakes"))),
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
