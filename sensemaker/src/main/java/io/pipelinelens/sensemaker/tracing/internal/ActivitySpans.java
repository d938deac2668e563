package io.pipelinelens.sensemaker.tracing.internal;

import static io.pipelinelens.sensemaker.tracing.internal.SpanConventions.draft;
import static io.pipelinelens.sensemaker.tracing.internal.SpanConventions.failure;
import static io.pipelinelens.sensemaker.tracing.internal.SpanConventions.first;
import static io.pipelinelens.sensemaker.tracing.internal.SpanConventions.timing;

import io.pipelinelens.sensemaker.ingest.KubeObject;
import io.pipelinelens.sensemaker.ingest.Snapshot;
import io.pipelinelens.sensemaker.lineage.LineageNode;
import io.pipelinelens.sensemaker.lineage.TraceIds;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/** A Jenkins X PipelineActivity: the ACTIVITY span with its stages, steps and promotions. */
final class ActivitySpans {

    private ActivitySpans() {}

    static List<SpanRecord> build(LineageNode node, Snapshot snapshot) {
        KubeObject activity = new KubeObject(snapshot.body());
        JsonNode spec = activity.path("spec");
        String pipeline = first(KubeObject.text(spec.path("pipeline")), activity.name());
        String status = spec.path("status").asString("");
        String result = switch (status) {
            case "Succeeded" -> "success";
            case "Failed" -> "failure";
            case "Aborted" -> "cancellation";
            default -> "error";
        };
        SpanDraft span = draft(node, "ACTIVITY " + pipeline);
        timing(
                span,
                activity,
                KubeObject.instant(spec.path("startedTimestamp")),
                KubeObject.instant(spec.path("completedTimestamp")),
                snapshot);
        span.attribute("cicd.pipeline.name", pipeline)
                .attribute("cicd.pipeline.result", result)
                .attribute("k8s.namespace.name", activity.namespace())
                .attribute("jenkins.pipelineactivity.name", activity.name())
                .attribute("vcs.repository.url.full", KubeObject.text(spec.path("gitUrl")))
                .attribute("vcs.ref.head.name", KubeObject.text(spec.path("gitBranch")))
                .attribute("vcs.ref.head.revision", KubeObject.text(spec.path("lastCommitSHA")));
        failure(span, result, status, null);
        List<SpanRecord> children = new ArrayList<>();
        int index = 0;
        for (JsonNode step : spec.path("steps")) {
            index++;
            String kind = step.path("kind").asString("");
            if ("Stage".equals(kind)) {
                JsonNode stage = step.path("stage");
                String stageName = first(KubeObject.text(stage.path("name")), "stage " + index);
                String stageId = TraceIds.spanId(activity.uid(), "stage/" + index + "/" + stageName);
                Optional<SpanRecord> stageSpan =
                        step(node.traceId(), stageId, node.spanId(), "STAGE " + stageName, stage, span);
                stageSpan.ifPresent(children::add);
                int stepIndex = 0;
                for (JsonNode inner : stage.path("steps")) {
                    stepIndex++;
                    String stepName = first(KubeObject.text(inner.path("name")), "step " + stepIndex);
                    step(
                                    node.traceId(),
                                    TraceIds.spanId(activity.uid(), "stage/" + index + "/step/" + stepIndex),
                                    stageSpan.isPresent() ? stageId : node.spanId(),
                                    "STEP " + stepName,
                                    inner,
                                    span)
                            .ifPresent(children::add);
                }
            } else if ("Promote".equals(kind) || "Preview".equals(kind)) {
                JsonNode detail = step.path(kind.toLowerCase(Locale.ROOT));
                String environment = first(KubeObject.text(detail.path("environment")), kind.toLowerCase(Locale.ROOT));
                step(
                                node.traceId(),
                                TraceIds.spanId(activity.uid(), kind + "/" + index + "/" + environment),
                                node.spanId(),
                                kind.toUpperCase(Locale.ROOT) + " " + environment,
                                detail,
                                span)
                        .map(s -> s.withAttribute(
                                "vcs.change.url",
                                KubeObject.text(detail.path("pullRequest").path("pullRequestURL"))))
                        .ifPresent(children::add);
            }
        }
        // The activity contains its stages: jx records the activity's own times separately.
        for (SpanRecord child : children) {
            if (child.startEpochNanos() < KubeObject.nanos(span.start())) {
                span.start(Instant.ofEpochSecond(0, child.startEpochNanos()));
            }
            if (child.endEpochNanos() > KubeObject.nanos(span.end())) {
                span.end(Instant.ofEpochSecond(0, child.endEpochNanos()));
            }
        }
        List<SpanRecord> spans = new ArrayList<>();
        spans.add(span.build());
        spans.addAll(children);
        return spans;
    }

    private static Optional<SpanRecord> step(
            String traceId, String spanId, String parent, String name, JsonNode step, SpanDraft activity) {
        Optional<Instant> started = KubeObject.instant(step.path("startedTimestamp"));
        if (started.isEmpty()) {
            return Optional.empty();
        }
        SpanDraft span = new SpanDraft(traceId, spanId, parent, name).start(started.get());
        Optional<Instant> completed = KubeObject.instant(step.path("completedTimestamp"));
        if (completed.isPresent()) {
            span.end(completed.get());
        } else {
            span.endFallback(activity.end(), "activity");
        }
        String status = step.path("status").asString("");
        span.attribute("jenkins.step.status", status);
        if ("Failed".equals(status) || "Error".equals(status)) {
            span.attribute("error.type", status);
            span.error(first(KubeObject.text(step.path("message")), status));
        }
        return Optional.of(span.build());
    }
}
