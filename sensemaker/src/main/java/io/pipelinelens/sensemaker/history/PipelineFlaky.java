package io.pipelinelens.sensemaker.history;

import java.util.List;

/**
 * The same commit of a pipeline failed and then succeeded: a run succeeded after an earlier run of
 * its commit failed, or tasks succeeded that failed in an earlier run of its commit.
 *
 * @param failedBefore the earlier runs of the commit that failed, oldest first
 * @param tasks the tasks that failed in an earlier run of the commit and succeeded in this one
 */
public record PipelineFlaky(HistoricRun run, List<HistoricRun> failedBefore, List<String> tasks) {}
