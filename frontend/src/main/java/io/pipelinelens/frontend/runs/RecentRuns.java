package io.pipelinelens.frontend.runs;

import java.util.List;

/** The most recently finished pipeline runs, newest first. */
public interface RecentRuns {

    /**
     * @param limit at most this many runs
     * @throws RunsUnavailable when the runs cannot be read right now
     */
    List<FinishedRun> latest(int limit);
}
