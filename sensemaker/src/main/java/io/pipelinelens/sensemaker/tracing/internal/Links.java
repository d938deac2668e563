package io.pipelinelens.sensemaker.tracing.internal;

import io.pipelinelens.sensemaker.ingest.KubeObject;
import io.pipelinelens.sensemaker.ingest.Snapshot;
import java.util.Map;
import tools.jackson.databind.json.JsonMapper;

/** Span links: related spans that are not parents (DESIGN §3: re-runs, Tekton's own reconciler spans). */
final class Links {

    private Links() {}

    /** A re-run links the run it re-ran (label {@code dashboard.tekton.dev/rerunOf}). */
    static void rerunOf(SpanDraft span, KubeObject run, SpanInputs inputs) {
        String original = run.label("dashboard.tekton.dev/rerunOf");
        if (original == null) {
            return;
        }
        span.attribute("tekton.pipelinerun.rerun_of", original);
        inputs.snapshots()
                .byName(run.kind(), run.namespace(), original)
                .flatMap(s -> inputs.lineage().node(s.uid()))
                .filter(n -> n.traceId() != null)
                .ifPresent(n -> span.link(n.traceId(), n.spanId(), Map.of("pipelinelens.link.type", "rerun_of")));
    }

    /**
     * The other direction, for a re-run that was traced before its original (watches are not
     * ordered): the original links its newest re-run that already has a trace.
     */
    static void reruns(SpanDraft span, KubeObject run, SpanInputs inputs) {
        inputs.snapshots()
                .byLabel(run.kind(), run.namespace(), "dashboard.tekton.dev/rerunOf", run.name())
                .map(Snapshot::uid)
                .flatMap(inputs.lineage()::node)
                .filter(n -> n.traceId() != null && n.settled())
                .ifPresent(n -> span.link(n.traceId(), n.spanId(), Map.of("pipelinelens.link.type", "rerun")));
    }

    /** Tekton's own reconciler span, when Tekton's tracing is on: a link, not a parent. */
    static void tekton(SpanDraft span, KubeObject object, String annotation, JsonMapper json) {
        String context = object.annotation(annotation);
        String traceparent = null;
        if (context != null) {
            try {
                traceparent = KubeObject.text(json.readTree(context).path("traceparent"));
            } catch (RuntimeException e) {
                traceparent = null;
            }
        }
        if (traceparent == null) {
            traceparent = KubeObject.text(object.path("status", "spanContext", "traceparent"));
        }
        if (traceparent == null) {
            return;
        }
        String[] parts = traceparent.split("-");
        if (parts.length >= 3 && parts[1].length() == 32 && parts[2].length() == 16) {
            span.link(parts[1], parts[2], Map.of("pipelinelens.link.type", "tekton_reconciler"));
        }
    }
}
