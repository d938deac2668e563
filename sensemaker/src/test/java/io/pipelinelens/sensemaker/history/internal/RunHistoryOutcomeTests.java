package io.pipelinelens.sensemaker.history.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The outcome state machine, fed run by run as the history stores them. Each run is written
 * {@code <commit>:<result>[@<minute it completed>]}; results are S(uccess), F(ailure), E(rror),
 * T(imeout), C(ancellation). Runs arrive in the order written; without a minute, each completes a
 * minute after the one before.
 */
class RunHistoryOutcomeTests {

    static Stream<Arguments> sequences() {
        return Stream.of(
                Arguments.of("first run ever succeeds", "c1:S", "passing"),
                Arguments.of("first run ever fails: never green, not broken", "c1:F", "failing"),
                Arguments.of("a failing start that gets fixed recovers", "c1:F c2:S", "failing recovered"),
                Arguments.of("green stays green", "c1:S c2:S c3:S", "passing passing passing"),
                Arguments.of(
                        "broken, still failing, recovered",
                        "c1:S c2:F c3:E c4:T c5:S",
                        "passing broken still-failing still-failing recovered"),
                Arguments.of(
                        "a cancelled run is not a failure and changes nothing",
                        "c1:S c2:C c3:S c4:F c5:C c6:S",
                        "passing not-counted passing broken not-counted recovered"),
                Arguments.of("the first run ever cancelled, then a failure", "c1:C c2:F", "not-counted failing"),
                Arguments.of(
                        "a rerun of the failing commit that fails again is still failing",
                        "c1:S c2:F c2:F",
                        "passing broken still-failing"),
                Arguments.of(
                        "a rerun of the failing commit that succeeds recovers",
                        "c1:S c2:F c2:S",
                        "passing broken recovered"),
                Arguments.of(
                        "a rerun of the green commit that fails breaks it (no new commit)",
                        "c1:S c1:F",
                        "passing broken"),
                Arguments.of(
                        "a rerun of an older commit changes nothing, and later runs skip it",
                        "c1:S c2:F c1:S c3:F c4:S",
                        "passing broken old-commit still-failing recovered"),
                Arguments.of(
                        "an old commit failing on a green branch does not break it",
                        "c1:S c2:S c1:F c3:S",
                        "passing passing old-commit passing"),
                Arguments.of(
                        "a run that completed earlier but arrives later changes nothing",
                        "c1:S@1 c3:F@3 c2:S@2 c4:S@4",
                        "passing broken late recovered"),
                Arguments.of(
                        "a late failure changes nothing, and the next failure breaks from the green one",
                        "c1:S@1 c3:S@3 c2:F@2 c4:F@4",
                        "passing passing late broken"),
                Arguments.of(
                        "a commit whose first run was cancelled is a new commit, not an old one",
                        "c1:S c2:F c3:C c3:F",
                        "passing broken not-counted still-failing"),
                Arguments.of(
                        "a late cancelled run is not counted", "c1:S@1 c3:S@3 c2:C@2", "passing passing not-counted"),
                Arguments.of(
                        "a branch deleted and re-created while its history is kept continues it",
                        "c1:S c9:F",
                        "passing broken"),
                Arguments.of(
                        "runs without a commit compare by result only",
                        "-:S -:F -:F -:S",
                        "passing broken still-failing recovered"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("sequences")
    void decidesEachRun(String description, String runs, String expected) {
        assertThat(String.join(" ", new Key().feed(runs))).isEqualTo(expected);
    }

    @org.junit.jupiter.api.Test
    void aBreakNamesTheCommitsSinceTheLastGreenRunAsFarAsTheRunsInBetweenTell() {
        Key key = new Key();
        key.feed("c1:S c2:C c3:S c4:C c5:F");
        OutcomeRules.Decision broken = key.last;
        assertThat(broken.outcome()).isEqualTo(Outcome.BROKEN);
        assertThat(broken.lastSuccess().orElseThrow().revision()).isEqualTo("c3");
        assertThat(broken.commits()).containsExactly("c4", "c5");
    }

    @org.junit.jupiter.api.Test
    void aBreakOnTheGreenCommitItselfNamesNoCommitButTheRun() {
        Key key = new Key();
        key.feed("c1:S c1:F");
        assertThat(key.last.commits()).isEmpty();
    }

    @org.junit.jupiter.api.Test
    void aRecoveryNamesTheFirstFailureTheFailedRunsAndTheCommitsFromItToTheFix() {
        Key key = new Key();
        key.feed("c1:S c2:F c3:C c3:F c4:S");
        OutcomeRules.Decision recovered = key.last;
        assertThat(recovered.outcome()).isEqualTo(Outcome.RECOVERED);
        assertThat(recovered.failingSince().orElseThrow().revision()).isEqualTo("c2");
        assertThat(recovered.failedRuns()).isEqualTo(2);
        assertThat(recovered.commits()).containsExactly("c2", "c3", "c4");
        assertThat(recovered.lastSuccess().orElseThrow().revision()).isEqualTo("c1");
    }

    @org.junit.jupiter.api.Test
    void aRecoveryOfABranchNeverGreenHasNoLastSuccess() {
        Key key = new Key();
        key.feed("c1:F c2:S");
        assertThat(key.last.lastSuccess()).isEmpty();
        assertThat(key.last.failingSince().orElseThrow().revision()).isEqualTo("c1");
    }

    /** One key's stored runs, and the questions the store answers, as JooqRunHistory asks them. */
    static final class Key {

        private final List<PastRun> stored = new ArrayList<>();
        OutcomeRules.Decision last;

        List<String> feed(String runs) {
            List<String> outcomes = new ArrayList<>();
            int minute = 0;
            for (String run : runs.split(" ")) {
                String[] commitAndRest = run.split(":");
                String[] resultAndMinute = commitAndRest[1].split("@");
                minute = resultAndMinute.length > 1 ? Integer.parseInt(resultAndMinute[1]) : minute + 1;
                String revision = "-".equals(commitAndRest[0]) ? null : commitAndRest[0];
                PastRun arriving = new PastRun(
                        "run-" + stored.size(),
                        revision,
                        result(resultAndMinute[0]),
                        Instant.parse("2026-12-01T10:00:00Z").plusSeconds(60L * minute),
                        Outcome.PASSING);
                last = arrive(arriving);
                stored.add(new PastRun(
                        arriving.uid(), revision, arriving.result(), arriving.completedAt(), last.outcome()));
                outcomes.add(last.outcome().stored().replace(' ', '-'));
            }
            return outcomes;
        }

        private OutcomeRules.Decision arrive(PastRun run) {
            List<PastRun> before = stored.stream()
                    .filter(p -> p.completedAt().isBefore(run.completedAt()))
                    .sorted(Comparator.comparing(PastRun::completedAt).reversed())
                    .toList();
            boolean newer = stored.stream().anyMatch(p -> p.completedAt().isAfter(run.completedAt()) && p.counts());
            boolean revisionRan = run.revision() != null
                    && stored.stream()
                            .anyMatch(p -> run.revision().equals(p.revision())
                                    && p.counts()
                                    && p.completedAt().isBefore(run.completedAt()));
            return OutcomeRules.decide(run, before, newer, revisionRan);
        }

        private static String result(String letter) {
            return switch (letter) {
                case "S" -> "success";
                case "F" -> "failure";
                case "E" -> "error";
                case "T" -> "timeout";
                case "C" -> "cancellation";
                default -> throw new IllegalArgumentException(letter);
            };
        }
    }
}
