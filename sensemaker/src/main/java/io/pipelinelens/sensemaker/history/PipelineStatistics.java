package io.pipelinelens.sensemaker.history;

import java.time.Duration;
import java.time.Instant;
import java.time.LocalDate;
import java.util.List;

/**
 * A pipeline's runs over a window, in all and by day (UTC, by completion time).
 *
 * @param total the whole window
 * @param days one entry per day that had runs, oldest first
 */
public record PipelineStatistics(
        String namespace, String pipeline, Instant from, Instant to, Figures total, List<Day> days) {

    public record Day(LocalDate day, Figures figures) {}

    /**
     * @param runs finished runs, cancelled ones included
     * @param succeeded runs whose result is success
     * @param failed runs whose result is failure, error or timeout
     * @param successRate succeeded / (succeeded + failed); null when neither
     * @param durationP50 created → completed, interpolated like PostgreSQL's percentile_cont
     * @param queueP50 created → started
     */
    public record Figures(
            long runs,
            long succeeded,
            long failed,
            Double successRate,
            Duration durationP50,
            Duration durationP95,
            Duration queueP50,
            Duration queueP95) {}
}
