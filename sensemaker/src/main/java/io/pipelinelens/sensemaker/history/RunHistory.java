package io.pipelinelens.sensemaker.history;

import java.time.Instant;
import java.util.Optional;

/** What the run history knows about a pipeline. */
public interface RunHistory {

    /**
     * Runs, success rate, duration and queue time percentiles of a pipeline (every repository and
     * branch) for the runs completed in {@code [from, to)}, in all and by UTC day.
     */
    PipelineStatistics statistics(String namespace, String pipeline, Instant from, Instant to);

    /**
     * What the outcome state machine decided for the newest run of a pipeline × repository × branch
     * that counted ({@code passing}, {@code broken}, {@code still failing}, {@code recovered},
     * {@code failing}); empty when no run counted yet.
     *
     * @param repository the clone URL, or null for runs that name none
     * @param branch the branch, or null for runs that name none
     */
    Optional<String> outcome(String namespace, String pipeline, String repository, String branch);
}
