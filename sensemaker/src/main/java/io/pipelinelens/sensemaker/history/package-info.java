/**
 * Run history: compares each finished run with the earlier runs of its pipeline × repository ×
 * branch. It keeps the outcome state machine (broken, still failing, recovered), compares
 * durations with a baseline of the last successful runs (per pipeline and per task, and says
 * whether waiting or running grew), finds flaky tasks (a commit that failed and then succeeded),
 * and answers statistics per pipeline through {@link io.pipelinelens.sensemaker.history.RunHistory}.
 * What it decides it announces as {@link io.pipelinelens.sensemaker.history.PipelineBroke},
 * {@link io.pipelinelens.sensemaker.history.PipelineRecovered},
 * {@link io.pipelinelens.sensemaker.history.PipelineSlower} and
 * {@link io.pipelinelens.sensemaker.history.PipelineFlaky}, in the transaction that records the run.
 */
package io.pipelinelens.sensemaker.history;
