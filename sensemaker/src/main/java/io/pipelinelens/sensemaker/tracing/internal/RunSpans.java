package io.pipelinelens.sensemaker.tracing.internal;

import static io.pipelinelens.sensemaker.tracing.internal.SpanConventions.draft;
import static io.pipelinelens.sensemaker.tracing.internal.SpanConventions.failure;
import static io.pipelinelens.sensemaker.tracing.internal.SpanConventions.kubernetesEvents;
import static io.pipelinelens.sensemaker.tracing.internal.SpanConventions.params;
import static io.pipelinelens.sensemaker.tracing.internal.SpanConventions.timing;

import io.pipelinelens.sensemaker.ingest.KubeObject;
import io.pipelinelens.sensemaker.ingest.Snapshot;
import io.pipelinelens.sensemaker.lineage.LineageNode;
import io.pipelinelens.sensemaker.lineage.TraceIds;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A PipelineRun: the RUN span (kind SERVER, per the CI/CD span conventions) from creation to
 * completion, split into pending (created → started) and running (started → completed), with a
 * zero-length task span for every task Tekton skipped.
 */
final class RunSpans {

    private RunSpans() {}

    /** The run span comes first: the caller reads the run's outcome from it. */
    static List<SpanRecord> build(LineageNode node, Snapshot snapshot, SpanInputs inputs) {
        PipelineRunView run = new PipelineRunView(snapshot.body());
        KubeObject object = new KubeObject(snapshot.body());
        String pipeline = run.pipeline();
        String result = snapshot.deleted() && !run.finished() ? "cancellation" : run.result();
        SpanDraft span = draft(node, "RUN " + pipeline).kind(SpanRecord.Kind.SERVER);
        timing(span, object, run.startTime(), run.completionTime(), snapshot);
        span.attribute("cicd.pipeline.name", pipeline)
                .attribute("cicd.pipeline.action.name", "RUN")
                .attribute("cicd.pipeline.run.id", run.uid())
                .attribute("cicd.pipeline.result", result)
                .attribute("k8s.namespace.name", run.namespace())
                .attribute("tekton.pipelinerun.name", run.name())
                .attribute("vcs.repository.url.full", run.repositoryUrl())
                .attribute("vcs.ref.head.name", run.branch())
                .attribute("vcs.ref.head.revision", run.revision())
                .attribute("vcs.change.id", run.changeId());
        params(span, snapshot.body().path("spec").path("params"));
        failure(span, result, run.reason(), run.message());
        Links.rerunOf(span, object, inputs);
        Links.reruns(span, object, inputs);
        Links.tekton(span, object, "tekton.dev/pipelinerunSpanContext", inputs.json());
        kubernetesEvents(span, inputs.snapshots().eventsAbout(run.uid(), "PipelineRun", run.namespace(), run.name()));

        List<SpanRecord> spans = new ArrayList<>();
        spans.add(null); // the run span, once its children are known
        Instant start = span.start();
        if (run.startTime().isPresent() && run.startTime().get().isAfter(start)) {
            spans.add(phase(node, run.uid(), "pending", start, run.startTime().get(), false));
        }
        // Without a startTime Tekton never said when the run began: no running phase to show.
        if (run.startTime().isPresent()) {
            Instant running = run.startTime().get().isBefore(start)
                    ? start
                    : run.startTime().get();
            spans.add(phase(
                    node,
                    run.uid(),
                    "running",
                    running,
                    span.end(),
                    run.completionTime().isEmpty()));
        }
        for (PipelineRunView.SkippedTask skipped : run.skippedTasks()) {
            spans.add(skippedTask(node, run, skipped, span.end()));
        }
        spans.set(0, span.build());
        return spans;
    }

    /** A phase of the run; one that ends with a run Tekton has not completed says so. */
    private static SpanRecord phase(
            LineageNode node, String uid, String name, Instant start, Instant end, boolean endOfRunUnknown) {
        SpanDraft phase = new SpanDraft(node.traceId(), TraceIds.spanId(uid, name), node.spanId(), name)
                .start(start)
                .attribute("cicd.pipeline.run.id", uid);
        Instant bounded = end.isBefore(start) ? start : end;
        return (endOfRunUnknown ? phase.endFallback(bounded, "run") : phase.end(bounded)).build();
    }

    /**
     * A pipeline task Tekton skipped has no TaskRun: it shows as a task span without duration,
     * where Tekton decided it — when the run ended.
     */
    private static SpanRecord skippedTask(
            LineageNode node, PipelineRunView run, PipelineRunView.SkippedTask skipped, Instant runEnd) {
        return new SpanDraft(
                        node.traceId(),
                        TraceIds.spanId(run.uid(), "skipped/" + skipped.name()),
                        node.spanId(),
                        "TASK " + skipped.name())
                .attribute("cicd.pipeline.task.name", skipped.name())
                .attribute("cicd.pipeline.task.run.result", "skip")
                .attribute("cicd.pipeline.run.id", run.uid())
                .attribute("tekton.skip.reason", skipped.reason())
                .start(runEnd)
                .end(runEnd)
                .build();
    }
}
