package io.pipelinelens.sensemaker.tracing.internal;

import static io.pipelinelens.sensemaker.db.Tables.PIPELINE_RUNS;

import io.pipelinelens.sensemaker.ingest.ResourceObserved;
import io.pipelinelens.sensemaker.ingest.Snapshot;
import io.pipelinelens.sensemaker.ingest.Snapshots;
import io.pipelinelens.sensemaker.tracing.PipelineRunFinished;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import org.jooq.DSLContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.modulith.events.ApplicationModuleListener;
import org.springframework.stereotype.Component;

/**
 * Records the span of a PipelineRun once it is finished, and announces the finished run. The span
 * starts at {@code status.startTime} and ends at {@code status.completionTime}; when Tekton did not
 * record a start time the creation time stands in and the span says so.
 */
@Component
class PipelineRunTracer {

    static final String TIMING_FALLBACK = "pipelinelens.timing.fallback";

    private static final Logger log = LoggerFactory.getLogger(PipelineRunTracer.class);

    private final Snapshots snapshots;
    private final SpanStore spans;
    private final DSLContext db;
    private final ApplicationEventPublisher events;
    private final SpanExportJob export;

    PipelineRunTracer(
            Snapshots snapshots,
            SpanStore spans,
            DSLContext db,
            ApplicationEventPublisher events,
            SpanExportJob export) {
        this.snapshots = snapshots;
        this.spans = spans;
        this.db = db;
        this.events = events;
        this.export = export;
    }

    @ApplicationModuleListener
    void on(ResourceObserved observed) {
        if (!"PipelineRun".equals(observed.kind()) || observed.deleted()) {
            return;
        }
        Optional<Snapshot> snapshot = snapshots.byUid(observed.uid());
        if (snapshot.isEmpty()) {
            return;
        }
        PipelineRunView run = new PipelineRunView(snapshot.get().body());
        if (!run.finished()) {
            return;
        }
        Optional<Instant> completed = run.completionTime();
        if (completed.isEmpty()) {
            log.warn(
                    "PipelineRun {}/{} is finished but has no completionTime; waiting for it",
                    run.namespace(),
                    run.name());
            return;
        }
        record(run, completed.get(), snapshot.get().observedAt());
    }

    private void record(PipelineRunView run, Instant completed, Instant observedAt) {
        String rootKey =
                run.eventGuid() != null ? TraceIds.gitEventRoot(run.eventGuid()) : TraceIds.resourceRoot(run.uid());
        String traceId = TraceIds.traceId(rootKey);
        String spanId = TraceIds.spanId(run.uid());
        String parent = run.lighthouseJobUid()
                .map(TraceIds::spanId)
                .orElse(run.eventGuid() != null ? TraceIds.spanId(rootKey) : null);

        Map<String, Object> attributes = new LinkedHashMap<>();
        String pipeline = run.pipeline();
        String result = run.result();
        put(attributes, "cicd.pipeline.name", pipeline);
        put(attributes, "cicd.pipeline.action.name", "RUN");
        put(attributes, "cicd.pipeline.run.id", run.uid());
        put(attributes, "cicd.pipeline.result", result);
        put(attributes, "k8s.namespace.name", run.namespace());
        put(attributes, "tekton.pipelinerun.name", run.name());
        put(attributes, "vcs.repository.url.full", run.repositoryUrl());
        put(attributes, "vcs.ref.head.name", run.branch());
        put(attributes, "vcs.ref.head.revision", run.revision());
        put(attributes, "vcs.change.id", run.changeId());
        put(attributes, "error.type", "success".equals(result) ? null : run.reason());

        Instant start = run.startTime().orElse(null);
        if (start == null) {
            start = run.creationTimestamp().orElse(observedAt);
            attributes.put(TIMING_FALLBACK, run.creationTimestamp().isPresent() ? "creationTimestamp" : "observed");
        }
        if (start.isAfter(completed)) {
            start = completed;
        }
        boolean failed = switch (result) {
            case "failure", "error", "timeout" -> true;
            default -> false;
        };
        SpanRecord span = new SpanRecord(
                traceId,
                spanId,
                parent,
                "RUN " + pipeline,
                SpanRecord.Kind.INTERNAL,
                nanos(start),
                nanos(completed),
                attributes,
                failed ? SpanRecord.Status.ERROR : SpanRecord.Status.UNSET,
                failed ? describe(run) : null);

        boolean firstTime = db.insertInto(PIPELINE_RUNS)
                        .set(PIPELINE_RUNS.UID, run.uid())
                        .set(PIPELINE_RUNS.NAMESPACE, run.namespace())
                        .set(PIPELINE_RUNS.NAME, run.name())
                        .set(PIPELINE_RUNS.PIPELINE, pipeline)
                        .set(PIPELINE_RUNS.RESULT, result)
                        .set(PIPELINE_RUNS.STARTED_AT, start.atOffset(ZoneOffset.UTC))
                        .set(PIPELINE_RUNS.COMPLETED_AT, completed.atOffset(ZoneOffset.UTC))
                        .set(PIPELINE_RUNS.TRACE_ID, traceId)
                        .set(PIPELINE_RUNS.SPAN_ID, spanId)
                        .set(PIPELINE_RUNS.REPOSITORY, run.repositoryUrl())
                        .set(PIPELINE_RUNS.BRANCH, run.branch())
                        .set(PIPELINE_RUNS.REVISION, run.revision())
                        .onConflictDoNothing()
                        .execute()
                == 1;
        if (!firstTime) {
            return;
        }
        spans.record(span);
        export.wakeUp();
        events.publishEvent(new PipelineRunFinished(
                run.uid(),
                run.namespace(),
                run.name(),
                pipeline,
                result,
                run.message(),
                start,
                completed,
                traceId,
                spanId,
                run.repositoryUrl(),
                run.branch(),
                run.revision()));
        log.info("PipelineRun {}/{} finished ({}), trace {}", run.namespace(), run.name(), result, traceId);
    }

    private static String describe(PipelineRunView run) {
        String reason = run.reason();
        String message = run.message();
        if (reason == null) {
            return message;
        }
        return message == null ? reason : reason + ": " + message;
    }

    private static void put(Map<String, Object> attributes, String key, String value) {
        if (value != null && !value.isBlank()) {
            attributes.put(key, value);
        }
    }

    private static long nanos(Instant instant) {
        return instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
    }
}
