package io.pipelinelens.sensemaker.tracing;

import java.util.List;

/** Read access to finished runs. */
public interface Runs {

    /** The most recently completed runs, newest first. */
    List<RunSummary> recent(int limit);
}
