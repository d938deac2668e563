package io.pipelinelens.sensemaker.history;

import java.util.List;
import java.util.Optional;

/**
 * A run failed after the previous run of its pipeline × repository × branch succeeded.
 *
 * @param lastSuccess the last successful run before it
 * @param commits the revisions of the runs since the last successful one, oldest first, this run's
 *     last; the last successful run's own revision is not among them
 */
public record PipelineBroke(HistoricRun run, Optional<HistoricRun> lastSuccess, List<String> commits) {}
