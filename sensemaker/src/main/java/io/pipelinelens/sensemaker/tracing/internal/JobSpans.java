package io.pipelinelens.sensemaker.tracing.internal;

import static io.pipelinelens.sensemaker.tracing.internal.SpanConventions.draft;
import static io.pipelinelens.sensemaker.tracing.internal.SpanConventions.failure;
import static io.pipelinelens.sensemaker.tracing.internal.SpanConventions.first;
import static io.pipelinelens.sensemaker.tracing.internal.SpanConventions.timing;

import io.pipelinelens.sensemaker.ingest.KubeObject;
import io.pipelinelens.sensemaker.ingest.Snapshot;
import io.pipelinelens.sensemaker.lineage.LineageNode;
import java.util.List;
import tools.jackson.databind.JsonNode;

/** A LighthouseJob: the JOB span from the job's creation (before the run it starts) to its completion. */
final class JobSpans {

    static final String LIGHTHOUSE = "lighthouse.jenkins-x.io/";

    private JobSpans() {}

    static List<SpanRecord> build(LineageNode node, Snapshot snapshot) {
        KubeObject job = new KubeObject(snapshot.body());
        JsonNode refs = job.path("spec", "refs");
        String org = first(KubeObject.text(refs.path("org")), job.label(LIGHTHOUSE + "refs.org"));
        String repo = first(KubeObject.text(refs.path("repo")), job.label(LIGHTHOUSE + "refs.repo"));
        String jobName = first(KubeObject.text(job.path("spec", "job")), job.label(LIGHTHOUSE + "job"));
        String pipeline = org != null && repo != null && jobName != null ? org + "/" + repo + "/" + jobName : jobName;
        String state = job.path("status", "state").asString("");
        String result = switch (state) {
            case "success" -> "success";
            case "failure" -> "failure";
            case "aborted" -> "cancellation";
            case "error" -> "error";
            default -> snapshot.deleted() ? "cancellation" : "error";
        };
        SpanDraft span = draft(node, "JOB " + (pipeline == null ? job.name() : pipeline));
        timing(
                span,
                job,
                KubeObject.instant(job.path("status", "startTime")),
                KubeObject.instant(job.path("status", "completionTime")),
                snapshot);
        JsonNode pull = refs.path("pulls").path(0);
        span.attribute("cicd.pipeline.name", pipeline)
                .attribute("cicd.pipeline.result", result)
                .attribute("k8s.namespace.name", job.namespace())
                .attribute("lighthouse.job.name", job.name())
                .attribute("lighthouse.job.type", KubeObject.text(job.path("spec", "type")))
                .attribute("vcs.repository.url.full", KubeObject.text(refs.path("clone_uri")))
                .attribute("vcs.ref.base.name", KubeObject.text(refs.path("base_ref")))
                .attribute("vcs.ref.base.revision", KubeObject.text(refs.path("base_sha")))
                .attribute("vcs.ref.head.revision", KubeObject.text(pull.path("sha")))
                .attribute(
                        "vcs.change.id",
                        pull.path("number").isNumber() ? pull.path("number").asString() : null)
                .attribute("url.full", KubeObject.text(job.path("status", "reportURL")));
        failure(span, result, state, KubeObject.text(job.path("status", "description")));
        return List.of(span.build());
    }
}
