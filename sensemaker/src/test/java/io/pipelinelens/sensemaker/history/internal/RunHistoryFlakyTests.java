package io.pipelinelens.sensemaker.history.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.pipelinelens.sensemaker.history.internal.Flakiness.Earlier;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Flakiness: the same commit and pipeline failed and then succeeded, per task. */
class RunHistoryFlakyTests {

    private static final Map<String, String> ALL_PASSED = Map.of("build", "success", "test", "success");

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("the first run of a commit", "success", ALL_PASSED, List.of(), false, List.of()),
                Arguments.of(
                        "a rerun after a failed test task",
                        "success",
                        ALL_PASSED,
                        List.of(new Earlier("r1", "failure", Set.of("test"))),
                        true,
                        List.of("test")),
                Arguments.of(
                        "a rerun after a failure whose tasks are not known",
                        "success",
                        ALL_PASSED,
                        List.of(new Earlier("r1", "failure", Set.of())),
                        true,
                        List.of()),
                Arguments.of(
                        "a rerun after a cancelled run is not flaky",
                        "success",
                        ALL_PASSED,
                        List.of(new Earlier("r1", "cancellation", Set.of())),
                        false,
                        List.of()),
                Arguments.of(
                        "failed twice, then succeeded: the task once",
                        "success",
                        ALL_PASSED,
                        List.of(
                                new Earlier("r1", "failure", Set.of("test")),
                                new Earlier("r2", "timeout", Set.of("test", "build"))),
                        true,
                        List.of("test", "build")),
                Arguments.of(
                        "succeeded, then failed: not flaky in that order",
                        "failure",
                        Map.of("build", "success", "test", "failure"),
                        List.of(new Earlier("r1", "success", Set.of())),
                        false,
                        List.of()),
                Arguments.of(
                        "a task that failed before and passed now, while another task fails now",
                        "failure",
                        Map.of("build", "success", "test", "failure"),
                        List.of(new Earlier("r1", "failure", Set.of("build"))),
                        true,
                        List.of("build")),
                Arguments.of(
                        "failed again the same way",
                        "failure",
                        Map.of("build", "success", "test", "failure"),
                        List.of(new Earlier("r1", "failure", Set.of("test"))),
                        false,
                        List.of()));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void judges(
            String description,
            String result,
            Map<String, String> tasks,
            List<Earlier> earlier,
            boolean flaky,
            List<String> flakyTasks) {
        Flakiness.Verdict verdict = Flakiness.judge(result, tasks, earlier);
        assertThat(verdict.flaky()).isEqualTo(flaky);
        assertThat(verdict.tasks()).containsExactlyElementsOf(flakyTasks);
    }
}
