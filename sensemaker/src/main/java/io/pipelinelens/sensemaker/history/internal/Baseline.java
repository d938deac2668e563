package io.pipelinelens.sensemaker.history.internal;

import io.pipelinelens.sensemaker.history.PipelineSlower.Comparison;
import io.pipelinelens.sensemaker.history.PipelineSlower.Grew;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * The baseline of a pipeline or a task: the median and p90 of its last successful runs. A run is
 * slower when it took longer than max(p90, 1.5 × median) and more than a minimum longer than the
 * median. Pure.
 *
 * @param runs how many runs it was computed from
 */
record Baseline(int runs, Duration median, Duration p90, Duration medianWaiting, Duration medianRunning) {

    /**
     * The baseline of the given successful runs (the caller takes the last ones, at most the
     * configured number), or none when there are fewer than {@code minRuns}.
     */
    static Optional<Baseline> of(List<Timing> successful, int minRuns) {
        if (successful.isEmpty() || successful.size() < minRuns) {
            return Optional.empty();
        }
        return Optional.of(new Baseline(
                successful.size(),
                percentile(successful, Timing::total, 0.5),
                percentile(successful, Timing::total, 0.9),
                percentile(successful, Timing::waiting, 0.5),
                percentile(successful, Timing::running, 0.5)));
    }

    /** max(p90, 1.5 × median). */
    Duration threshold() {
        Duration oneAndAHalf = median.plus(median.dividedBy(2));
        return p90.compareTo(oneAndAHalf) > 0 ? p90 : oneAndAHalf;
    }

    boolean slower(Duration duration, Duration minimum) {
        return duration.compareTo(threshold()) > 0 && duration.minus(median).compareTo(minimum) > 0;
    }

    /** The timing against this baseline, and which of its parts grew more against its median. */
    Comparison compare(String name, Timing timing) {
        Duration waitingGrowth = timing.waiting().minus(medianWaiting);
        Duration runningGrowth = timing.running().minus(medianRunning);
        Grew grew = waitingGrowth.compareTo(runningGrowth) > 0 ? Grew.WAITING : Grew.RUNNING;
        return new Comparison(
                name,
                timing.total(),
                timing.waiting(),
                timing.running(),
                median,
                p90,
                threshold(),
                medianWaiting,
                medianRunning,
                runs,
                grew);
    }

    /** Linear interpolation between the closest ranks, as PostgreSQL's {@code percentile_cont}. */
    static Duration percentile(List<Timing> timings, Function<Timing, Duration> part, double fraction) {
        long[] millis = timings.stream()
                .map(part)
                .mapToLong(Duration::toMillis)
                .sorted()
                .toArray();
        return Duration.ofMillis(Math.round(percentile(millis, fraction)));
    }

    static double percentile(long[] sorted, double fraction) {
        if (sorted.length == 0) {
            throw new IllegalArgumentException("no values");
        }
        long[] values = sorted.clone();
        Arrays.sort(values);
        double position = fraction * (values.length - 1);
        int below = (int) Math.floor(position);
        int above = (int) Math.ceil(position);
        return values[below] + (position - below) * (values[above] - values[below]);
    }
}
