package io.pipelinelens.sensemaker.history;

import java.util.List;
import java.util.Optional;

/**
 * A run succeeded after the previous run of its pipeline × repository × branch failed.
 *
 * @param failingSince the first failed run after the last successful one (or of the history)
 * @param failedRuns how many runs failed in between
 * @param commits the revisions of the runs from the first failed one to this one, oldest first
 */
public record PipelineRecovered(
        HistoricRun run, Optional<HistoricRun> failingSince, int failedRuns, List<String> commits) {}
