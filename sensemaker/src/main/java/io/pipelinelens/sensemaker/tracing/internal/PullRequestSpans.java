package io.pipelinelens.sensemaker.tracing.internal;

import static io.pipelinelens.sensemaker.tracing.internal.SpanConventions.draft;

import io.pipelinelens.sensemaker.ingest.KubeObject;
import io.pipelinelens.sensemaker.lineage.LineageNode;
import io.pipelinelens.sensemaker.lineage.PullRequestLinks;
import io.pipelinelens.sensemaker.lineage.TraceIds;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * A GitHub pull request from its newest delivery: from creation to merge (or close). An
 * environment PR links the application PRs it promotes besides its parent (DESIGN §5).
 */
final class PullRequestSpans {

    private PullRequestSpans() {}

    static SpanRecord build(LineageNode node, JsonNode payload, SpanInputs inputs) {
        JsonNode pr = payload.path("pull_request");
        JsonNode repository = payload.path("repository");
        boolean merged = pr.path("merged").asBoolean(false);
        SpanDraft span = draft(node, "PR " + node.name());
        Optional<Instant> created = KubeObject.instant(pr.path("created_at"));
        Optional<Instant> updated = KubeObject.instant(pr.path("updated_at"));
        if (created.isPresent()) {
            span.start(created.get());
        } else {
            span.startFallback(updated.orElse(Instant.now()), "updated_at");
        }
        Optional<Instant> ended = KubeObject.instant(pr.path(merged ? "merged_at" : "closed_at"));
        if (ended.isPresent()) {
            span.end(ended.get());
        } else {
            span.endFallback(updated.orElse(span.start()), "updated_at");
        }
        span.attribute("vcs.change.id", RootSpans.changeId(payload))
                .attribute("vcs.change.title", KubeObject.text(pr.path("title")))
                .attribute("vcs.change.state", merged ? "merged" : KubeObject.text(pr.path("state")))
                .attribute("vcs.change.url", KubeObject.text(pr.path("html_url")))
                .attribute("vcs.repository.name", KubeObject.text(repository.path("full_name")))
                .attribute("vcs.repository.url.full", KubeObject.text(repository.path("html_url")))
                .attribute("vcs.ref.head.name", KubeObject.text(pr.path("head").path("ref")))
                .attribute(
                        "vcs.ref.head.revision", KubeObject.text(pr.path("head").path("sha")))
                .attribute("vcs.ref.base.name", KubeObject.text(pr.path("base").path("ref")));
        for (String uid : PullRequestLinks.linked(node.uid(), KubeObject.text(pr.path("body")))) {
            if (uid.equals(node.parentUid())) {
                continue;
            }
            // A linked PR not seen (yet) would start its own trace: that is where it will be.
            Optional<LineageNode> other = inputs.lineage().node(uid).filter(n -> n.traceId() != null);
            span.link(
                    other.map(LineageNode::traceId).orElse(TraceIds.traceId(uid)),
                    TraceIds.spanId(uid),
                    Map.of("pipelinelens.link.type", "promotes", "vcs.change.url", PullRequestLinks.url(uid)));
        }
        return span.build();
    }
}
