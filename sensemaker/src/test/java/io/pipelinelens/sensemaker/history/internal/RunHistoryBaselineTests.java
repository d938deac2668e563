package io.pipelinelens.sensemaker.history.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.pipelinelens.sensemaker.history.PipelineSlower.Comparison;
import io.pipelinelens.sensemaker.history.PipelineSlower.Grew;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** The baseline: median and p90 of the last successful runs, and when a run is slower than it. */
class RunHistoryBaselineTests {

    private static final Duration MINUTE = Duration.ofSeconds(60);

    static Stream<Arguments> runs() {
        // Twenty runs of 10 minutes: median = p90 = 10 min, threshold 15 min.
        List<Long> steady = Collections.nCopies(20, 600L);
        // 1..20 minutes: median 10.5 min, p90 18.1 min > 1.5 × median = 15.75 min.
        List<Long> spread = IntStream.rangeClosed(1, 20).mapToObj(m -> m * 60L).toList();
        // Twenty runs of 60 s: 1.5 × median is 90 s, but the minimum asks for more than 60 s over it.
        List<Long> short_ = Collections.nCopies(20, 60L);
        return Stream.of(
                Arguments.of("equal to the baseline", steady, 600L, false),
                Arguments.of("at the threshold, not over it", steady, 900L, false),
                Arguments.of("over max(p90, 1.5 × median) and the minimum", steady, 901L, true),
                Arguments.of("p90 is the threshold when it is higher", spread, 1086L, false),
                Arguments.of("over p90", spread, 1087L, true),
                Arguments.of("over 1.5 × median but not a minute over the median", short_, 120L, false),
                Arguments.of("over 1.5 × median and over a minute more", short_, 121L, true));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("runs")
    void slowerOnlyOverTheThresholdAndTheMinimum(String description, List<Long> seconds, long run, boolean slower) {
        Baseline baseline = Baseline.of(timings(seconds), 5).orElseThrow();
        assertThat(baseline.slower(Duration.ofSeconds(run), MINUTE)).isEqualTo(slower);
    }

    @Test
    void fewerSuccessfulRunsThanTheMinimumGiveNoBaseline() {
        assertThat(Baseline.of(List.of(), 1)).isEmpty();
        assertThat(Baseline.of(timings(List.of(60L, 60L, 60L, 60L)), 5)).isEmpty();
        assertThat(Baseline.of(timings(List.of(60L, 60L, 60L, 60L, 60L)), 5)).isPresent();
    }

    @Test
    void percentilesInterpolateLikePostgreSql() {
        // percentile_cont(0.5) of 1,2,3,4 = 2.5; percentile_cont(0.9) = 3.7
        assertThat(Baseline.percentile(new long[] {4, 1, 3, 2}, 0.5)).isEqualTo(2.5);
        assertThat(Baseline.percentile(new long[] {4, 1, 3, 2}, 0.9))
                .isEqualTo(3.7, org.assertj.core.data.Offset.offset(1e-9));
        assertThat(Baseline.percentile(new long[] {7}, 0.9)).isEqualTo(7.0);
    }

    @Test
    void saysWhetherWaitingOrRunningGrew() {
        Baseline baseline = Baseline.of(
                        Collections.nCopies(10, new Timing(Duration.ofSeconds(30), Duration.ofSeconds(300))), 5)
                .orElseThrow();
        Comparison queued = baseline.compare("build", new Timing(Duration.ofSeconds(400), Duration.ofSeconds(310)));
        Comparison ran = baseline.compare("build", new Timing(Duration.ofSeconds(40), Duration.ofSeconds(700)));
        assertThat(queued.grew()).isEqualTo(Grew.WAITING);
        assertThat(queued.duration()).isEqualTo(Duration.ofSeconds(710));
        assertThat(queued.median()).isEqualTo(Duration.ofSeconds(330));
        assertThat(queued.threshold()).isEqualTo(Duration.ofSeconds(495));
        assertThat(ran.grew()).isEqualTo(Grew.RUNNING);
    }

    @Test
    void aTimingNeverHasANegativePart() {
        Timing timing = new Timing(Duration.ofSeconds(-5), Duration.ofSeconds(10));
        assertThat(timing.waiting()).isZero();
        assertThat(timing.total()).isEqualTo(Duration.ofSeconds(10));
    }

    private static List<Timing> timings(List<Long> seconds) {
        return seconds.stream()
                .map(s -> new Timing(Duration.ZERO, Duration.ofSeconds(s)))
                .toList();
    }
}
