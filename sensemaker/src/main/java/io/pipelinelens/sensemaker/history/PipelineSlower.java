package io.pipelinelens.sensemaker.history;

import java.time.Duration;
import java.util.List;

/**
 * A successful run took longer than the baseline of its pipeline × repository × branch, or one of
 * its tasks took longer than the task's baseline.
 *
 * @param comparison the run against the baseline of the pipeline
 * @param runSlower whether the run as a whole is slower
 * @param tasks the tasks that are slower than their own baseline
 * @param minimum how much slower than the median something must be to count
 */
public record PipelineSlower(
        HistoricRun run, Comparison comparison, boolean runSlower, List<Comparison> tasks, Duration minimum) {

    /** Which part of the time grew most against the baseline's median. */
    public enum Grew {
        WAITING,
        RUNNING
    }

    /**
     * A duration against its baseline (the last successful runs, at most {@code runs}).
     *
     * @param name the pipeline, or the task
     * @param threshold max(p90, 1.5 × median) of the baseline
     */
    public record Comparison(
            String name,
            Duration duration,
            Duration waiting,
            Duration running,
            Duration median,
            Duration p90,
            Duration threshold,
            Duration medianWaiting,
            Duration medianRunning,
            int runs,
            Grew grew) {}
}
