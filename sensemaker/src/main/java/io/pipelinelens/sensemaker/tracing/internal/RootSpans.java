package io.pipelinelens.sensemaker.tracing.internal;

import static io.pipelinelens.sensemaker.tracing.internal.SpanConventions.first;

import io.pipelinelens.sensemaker.ingest.GitWebhook;
import io.pipelinelens.sensemaker.ingest.KubeObject;
import io.pipelinelens.sensemaker.ingest.Snapshot;
import io.pipelinelens.sensemaker.lineage.LineageNode;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * The roots made for events: a git event (webhook delivery) and a Tekton Triggers event. A root
 * spans its children and carries their combined outcome: ERROR naming every job or run that failed.
 */
final class RootSpans {

    private static final Duration RECENT = Duration.ofMinutes(10);

    private RootSpans() {}

    /** What the spans under a root add up to. */
    record Children(Instant start, Instant end, List<String> failed) {

        static Children none(Instant at) {
            return new Children(at, at, List.of());
        }
    }

    /**
     * The root of a git event: from the webhook's own time (or, without a webhook, the earliest
     * child) to the end of its last child.
     */
    static SpanRecord gitEvent(LineageNode node, Optional<GitWebhook> webhook, Optional<Children> children) {
        String name = webhook.map(w -> w.provider() + " " + w.kind()).orElse("git event");
        SpanDraft span = new SpanDraft(node.traceId(), node.spanId(), null, name)
                .attribute("pipelinelens.git.delivery", node.name());
        Instant received = webhook.map(GitWebhook::receivedAt).orElse(null);
        Instant childrenStart = children.map(Children::start).orElse(received);
        if (webhook.isPresent()) {
            GitWebhook w = webhook.get();
            JsonNode payload = w.payload();
            // The payload's own time (a PR's updated_at, a push's commit time) is the git event's
            // time only when it is recent; an old PR's updated_at says nothing about this delivery.
            Optional<Instant> own = webhookTime(payload)
                    .filter(t -> !t.isAfter(w.receivedAt())
                            && !t.isBefore(w.receivedAt().minus(RECENT)));
            if (own.isPresent()) {
                span.start(earlier(own.get(), childrenStart));
            } else {
                span.startFallback(earlier(w.receivedAt(), childrenStart), "received");
            }
            span.attribute("vcs.provider.name", w.provider())
                    .attribute(
                            "vcs.repository.url.full",
                            first(
                                    KubeObject.text(payload.path("repository").path("clone_url")),
                                    KubeObject.text(payload.path("Repo").path("Clone"))))
                    .attribute(
                            "vcs.repository.name",
                            first(
                                    KubeObject.text(payload.path("repository").path("full_name")),
                                    KubeObject.text(payload.path("Repo").path("FullName"))))
                    .attribute("vcs.change.id", changeId(payload))
                    .attribute(
                            "vcs.ref.head.revision",
                            first(
                                    KubeObject.text(payload.path("pull_request")
                                            .path("head")
                                            .path("sha")),
                                    KubeObject.text(payload.path("after")),
                                    KubeObject.text(payload.path("PullRequest").path("Sha"))));
        } else {
            span.startFallback(childrenStart, "children");
        }
        Instant end = children.map(Children::end).orElse(span.start());
        span.end(end.isBefore(span.start()) ? span.start() : end);
        children.ifPresent(c -> outcome(span, c.failed()));
        return span.build();
    }

    /**
     * A Tekton Triggers event: the EventListener that received it names the span (a handful per
     * cluster, so low cardinality); the trigger and the event id come from the labels Triggers put
     * on the runs it created. Its time is that of its children: Triggers records no other.
     */
    static SpanRecord triggersEvent(LineageNode node, List<Snapshot> runs, Children children) {
        List<KubeObject> created =
                runs.stream().map(s -> new KubeObject(s.body())).toList();
        String listener = created.stream()
                .map(run -> run.label("triggers.tekton.dev/eventlistener"))
                .filter(Objects::nonNull)
                .findFirst()
                .orElse(null);
        // One event can fire several triggers of the listener: all of them, in a stable order.
        String triggers = String.join(
                ",",
                created.stream()
                        .map(run -> run.label("triggers.tekton.dev/trigger"))
                        .filter(Objects::nonNull)
                        .distinct()
                        .sorted()
                        .toList());
        SpanDraft span = new SpanDraft(
                        node.traceId(), node.spanId(), null, listener == null ? "TRIGGER" : "TRIGGER " + listener)
                .attribute("tekton.triggers.event.id", node.name())
                .attribute("tekton.triggers.eventlistener", listener)
                .attribute("tekton.triggers.trigger", triggers)
                .attribute(
                        "k8s.namespace.name",
                        created.isEmpty() ? null : created.getFirst().namespace());
        span.startFallback(children.start(), "children").end(children.end());
        outcome(span, children.failed());
        return span.build();
    }

    /** ERROR naming what failed under the root; nothing said when all went well. */
    private static void outcome(SpanDraft span, List<String> failed) {
        if (failed.isEmpty()) {
            return;
        }
        span.attribute("error.type", "failure");
        span.attribute("pipelinelens.failed", String.join(", ", failed));
        span.error(
                failed.size() == 1
                        ? failed.getFirst() + " failed"
                        : failed.size() + " failed: " + String.join(", ", failed));
    }

    private static Instant earlier(Instant a, Instant b) {
        return b == null || a.isBefore(b) ? a : b;
    }

    private static Optional<Instant> webhookTime(JsonNode payload) {
        return KubeObject.instant(payload.path("pull_request").path("updated_at"))
                .or(() -> KubeObject.instant(payload.path("head_commit").path("timestamp")))
                .or(() -> KubeObject.instant(payload.path("comment").path("created_at")));
    }

    static String changeId(JsonNode payload) {
        JsonNode number = payload.path("pull_request").path("number");
        if (number.isMissingNode()) {
            number = payload.path("issue").path("number");
        }
        if (number.isMissingNode()) {
            number = payload.path("PullRequest").path("Number");
        }
        return number.isNumber() ? number.asString() : null;
    }
}
