package io.pipelinelens.sensemaker.history.internal;

import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How the run history compares runs.
 *
 * @param baselineRuns how many of the last successful runs (per pipeline × repository × branch, and
 *     per task) the baseline is computed from
 * @param baselineMinRuns fewer successful runs than this give no baseline, and nothing is slower
 * @param slowerMinimum a run (or task) is slower only when it took more than this longer than the
 *     baseline's median, besides being over max(p90, 1.5 × median)
 * @param lookBack how many earlier runs of the key are read, at most, to find the last successful
 *     one (a longer failing streak names the commits and the first failure within this many runs)
 */
@Validated
@ConfigurationProperties("pipelinelens.sensemaker.history")
record HistoryProperties(
        @Min(1) @Max(1000) @DefaultValue("20") int baselineRuns,
        @Min(1) @Max(1000) @DefaultValue("5") int baselineMinRuns,
        @NotNull @DefaultValue("60s") Duration slowerMinimum,
        @Min(1) @Max(10000) @DefaultValue("200") int lookBack) {

    HistoryProperties {
        if (baselineMinRuns > baselineRuns) {
            throw new IllegalArgumentException(
                    "pipelinelens.sensemaker.history.baseline-min-runs must not exceed baseline-runs");
        }
        if (slowerMinimum != null && slowerMinimum.isNegative()) {
            throw new IllegalArgumentException("pipelinelens.sensemaker.history.slower-minimum must not be negative");
        }
    }
}
