/**
 * Tracing: turns the stored objects into OpenTelemetry spans with deterministic ids and the
 * resources' own timestamps, keeps them in PostgreSQL until a collector accepted them, and
 * announces each finished run as {@link io.pipelinelens.sensemaker.tracing.PipelineRunFinished}.
 */
package io.pipelinelens.sensemaker.tracing;
