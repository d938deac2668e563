package io.pipelinelens.sensemaker.tracing;

import java.util.List;
import java.util.Optional;

/**
 * Finds a stored trace by what a person knows about it. Each lookup returns the trace with every
 * span recorded so far; a trace still being assembled may have fewer spans than it will have.
 */
public interface Traces {

    /** The trace rooted at a git event, by its webhook delivery GUID. */
    Optional<TraceView> byGitEvent(String guid);

    /** The trace a PipelineRun belongs to; the newest one if the name was used more than once. */
    Optional<TraceView> byPipelineRun(String namespace, String name);

    /**
     * The newest trace of a pull request.
     *
     * @param repository {@code owner/name} or the repository's URL
     * @param number the pull (or merge) request number
     */
    Optional<TraceView> byPullRequest(String repository, String number);

    /** Spans the collector refused for good, newest first. */
    List<RefusedSpan> refused(int limit);
}
