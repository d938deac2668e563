package io.pipelinelens.sensemaker.tracing.internal;

import io.pipelinelens.sensemaker.ingest.GitWebhook;
import io.pipelinelens.sensemaker.ingest.Snapshot;
import io.pipelinelens.sensemaker.ingest.Snapshots;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Builds the spans of one finished node from the stored resources (DESIGN §4): names of low
 * cardinality, OpenTelemetry CI/CD and VCS attributes, the resources' own timestamps, phases a
 * person can read, Kubernetes Events as span events, ERROR with reason and exit code.
 */
@Component
class SpanFactory {

    private static final java.time.Duration RECENT = java.time.Duration.ofMinutes(10);

    private final Snapshots snapshots;
    private final TraceGraph graph;
    private final JsonMapper json;

    SpanFactory(Snapshots snapshots, TraceGraph graph, JsonMapper json) {
        this.snapshots = snapshots;
        this.graph = graph;
        this.json = json;
    }

    /** A factory for these finished nodes that reads what they need up front, in a few queries. */
    SpanFactory prefetching(Collection<Snapshot> nodes) {
        return new SpanFactory(PrefetchedSnapshots.of(snapshots, nodes), graph, json);
    }

    List<SpanRecord> pipelineRun(TraceNode node, Snapshot snapshot) {
        PipelineRunView run = new PipelineRunView(snapshot.body());
        KubeObject object = new KubeObject(snapshot.body());
        String pipeline = run.pipeline();
        String result = snapshot.deleted() && !run.finished() ? "cancellation" : run.result();
        SpanDraft span = draft(node, "RUN " + pipeline);
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
        rerunLink(span, object);
        rerunsLink(span, object);
        tektonLink(span, object, "tekton.dev/pipelinerunSpanContext");
        kubernetesEvents(span, snapshots.eventsAbout(run.uid(), "PipelineRun", run.namespace(), run.name()));

        // The run span comes first: the caller reads the run's outcome from it.
        List<SpanRecord> spans = new ArrayList<>();
        spans.add(span.build());
        Optional<Instant> created = object.creationTimestamp();
        if (created.isPresent()
                && run.startTime().isPresent()
                && run.startTime().get().isAfter(created.get())) {
            spans.add(new SpanDraft(node.traceId(), TraceIds.spanId(run.uid(), "pending"), node.spanId(), "pending")
                    .start(created.get())
                    .end(run.startTime().get())
                    .attribute("cicd.pipeline.run.id", run.uid())
                    .build());
        }
        // Without a startTime Tekton never said when the run began: no running phase to show.
        if (run.startTime().isPresent()) {
            SpanDraft running = new SpanDraft(
                            node.traceId(), TraceIds.spanId(run.uid(), "running"), node.spanId(), "running")
                    .start(run.startTime().get())
                    .attribute("cicd.pipeline.run.id", run.uid());
            endWithRun(running, run, span);
            spans.add(running.build());
        }
        for (PipelineRunView.SkippedTask skipped : run.skippedTasks()) {
            spans.add(skippedTask(node, run, skipped, span));
        }
        return spans;
    }

    /**
     * A pipeline task Tekton skipped has no TaskRun: it shows as a task span without duration,
     * where Tekton decided it — when the run completed.
     */
    private static SpanRecord skippedTask(
            TraceNode node, PipelineRunView run, PipelineRunView.SkippedTask skipped, SpanDraft runSpan) {
        SpanDraft span = new SpanDraft(
                        node.traceId(),
                        TraceIds.spanId(run.uid(), "skipped/" + skipped.name()),
                        node.spanId(),
                        "TASK " + skipped.name())
                .attribute("cicd.pipeline.task.name", skipped.name())
                .attribute("cicd.pipeline.task.run.result", "skip")
                .attribute("cicd.pipeline.run.id", run.uid())
                .attribute("tekton.skip.reason", skipped.reason());
        if (run.completionTime().isPresent()) {
            span.start(run.completionTime().get());
        } else {
            span.startFallback(runSpan.end(), "run");
        }
        return endWithRun(span, run, runSpan).build();
    }

    /** Ends a phase of a run when the run completed, or where the run's span ends (marked). */
    private static SpanDraft endWithRun(SpanDraft phase, PipelineRunView run, SpanDraft runSpan) {
        return run.completionTime().isPresent()
                ? phase.end(run.completionTime().get())
                : phase.endFallback(runSpan.end(), "run");
    }

    List<SpanRecord> taskRun(TraceNode node, Snapshot snapshot) {
        KubeObject taskRun = new KubeObject(snapshot.body());
        String uid = taskRun.uid();
        String task = first(
                taskRun.label("tekton.dev/pipelineTask"),
                taskRun.path("spec", "taskRef", "name").asString(null),
                taskRun.label("tekton.dev/task"),
                taskRun.name());
        String result = snapshot.deleted() && !Correlations.finished(taskRun) ? "cancellation" : result(taskRun);
        SpanDraft span = draft(node, "TASK " + task);
        timing(
                span,
                taskRun,
                KubeObject.instant(taskRun.path("status", "startTime")),
                KubeObject.instant(taskRun.path("status", "completionTime")),
                snapshot);
        JsonNode condition = taskRun.condition("Succeeded");
        span.attribute("cicd.pipeline.task.name", task)
                .attribute("cicd.pipeline.task.run.id", uid)
                .attribute("cicd.pipeline.task.run.result", result)
                .attribute("k8s.namespace.name", taskRun.namespace())
                .attribute("tekton.taskrun.name", taskRun.name())
                .attribute("k8s.pod.name", KubeObject.text(taskRun.path("status", "podName")));
        params(span, taskRun.path("spec", "params"));
        failure(span, result, KubeObject.text(condition.path("reason")), KubeObject.text(condition.path("message")));
        tektonLink(span, taskRun, "tekton.dev/taskrunSpanContext");
        kubernetesEvents(span, snapshots.eventsAbout(uid, "TaskRun", taskRun.namespace(), taskRun.name()));

        List<SpanRecord> spans = new ArrayList<>();
        spans.add(span.build());

        Optional<Snapshot> pod = pod(taskRun);
        String stepParent = node.spanId();
        if (pod.isPresent()) {
            KubeObject podObject = new KubeObject(pod.get().body());
            List<Snapshot> events =
                    snapshots.eventsAbout(podObject.uid(), "Pod", podObject.namespace(), podObject.name());
            String podSpanId = TraceIds.spanId(uid, "pod");
            stepParent = podSpanId;
            SpanDraft podSpan = new SpanDraft(node.traceId(), podSpanId, node.spanId(), "POD " + task)
                    .attribute("k8s.pod.name", podObject.name())
                    .attribute("k8s.pod.uid", podObject.uid())
                    .attribute("k8s.namespace.name", podObject.namespace())
                    .attribute("k8s.node.name", KubeObject.text(podObject.path("spec", "nodeName")));
            Instant podStart = podObject.creationTimestamp().orElse(span.start());
            Instant podEnd = lastFinish(podObject).orElse(span.end());
            podSpan.start(podStart).end(podEnd);
            kubernetesEvents(podSpan, events);
            spans.add(podSpan.build());
            spans.addAll(phases(node, uid, taskRun, podObject, events, span.start()));
        }
        spans.addAll(steps(node.traceId(), uid, stepParent, taskRun, pod.map(p -> new KubeObject(p.body()))));
        return spans;
    }

    List<SpanRecord> lighthouseJob(TraceNode node, Snapshot snapshot) {
        KubeObject job = new KubeObject(snapshot.body());
        JsonNode refs = job.path("spec", "refs");
        String org = first(KubeObject.text(refs.path("org")), job.label(Correlations.LIGHTHOUSE + "refs.org"));
        String repo = first(KubeObject.text(refs.path("repo")), job.label(Correlations.LIGHTHOUSE + "refs.repo"));
        String jobName = first(KubeObject.text(job.path("spec", "job")), job.label(Correlations.LIGHTHOUSE + "job"));
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

    List<SpanRecord> pipelineActivity(TraceNode node, Snapshot snapshot) {
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
        List<SpanRecord> spans = new ArrayList<>();
        spans.add(span.build());
        int index = 0;
        for (JsonNode step : spec.path("steps")) {
            index++;
            String kind = step.path("kind").asString("");
            if ("Stage".equals(kind)) {
                JsonNode stage = step.path("stage");
                String stageName = first(KubeObject.text(stage.path("name")), "stage " + index);
                String stageId = TraceIds.spanId(activity.uid(), "stage/" + index + "/" + stageName);
                Optional<SpanRecord> stageSpan =
                        activityStep(node.traceId(), stageId, node.spanId(), "STAGE " + stageName, stage, span);
                stageSpan.ifPresent(spans::add);
                int stepIndex = 0;
                for (JsonNode inner : stage.path("steps")) {
                    stepIndex++;
                    String stepName = first(KubeObject.text(inner.path("name")), "step " + stepIndex);
                    activityStep(
                                    node.traceId(),
                                    TraceIds.spanId(activity.uid(), "stage/" + index + "/step/" + stepIndex),
                                    stageSpan.isPresent() ? stageId : node.spanId(),
                                    "STEP " + stepName,
                                    inner,
                                    span)
                            .ifPresent(spans::add);
                }
            } else if ("Promote".equals(kind) || "Preview".equals(kind)) {
                JsonNode detail = step.path(kind.toLowerCase(java.util.Locale.ROOT));
                String environment =
                        first(KubeObject.text(detail.path("environment")), kind.toLowerCase(java.util.Locale.ROOT));
                activityStep(
                                node.traceId(),
                                TraceIds.spanId(activity.uid(), kind + "/" + index + "/" + environment),
                                node.spanId(),
                                kind.toUpperCase(java.util.Locale.ROOT) + " " + environment,
                                detail,
                                span)
                        .map(s -> withAttribute(
                                s,
                                "vcs.change.url",
                                KubeObject.text(detail.path("pullRequest").path("pullRequestURL"))))
                        .ifPresent(spans::add);
            }
        }
        return spans;
    }

    /**
     * The root of a git event: from the webhook's own time (or, without a webhook, the earliest
     * child) to the end of its last child.
     */
    SpanRecord gitEvent(TraceNode node, Optional<GitWebhook> webhook, Instant childrenStart, Instant childrenEnd) {
        String name = webhook.map(w -> w.provider() + " " + w.kind()).orElse("git event");
        SpanDraft span = new SpanDraft(node.traceId(), node.spanId(), null, name)
                .attribute("pipelinelens.git.delivery", node.name());
        if (webhook.isPresent()) {
            GitWebhook w = webhook.get();
            JsonNode payload = w.payload();
            // The payload's own time (a PR's updated_at, a push's commit time) is the git event's
            // time only when it is recent; an old PR's updated_at says nothing about this delivery.
            Optional<Instant> own = webhookTime(payload)
                    .filter(t -> !t.isAfter(w.receivedAt())
                            && !t.isBefore(w.receivedAt().minus(RECENT)));
            if (own.isPresent()) {
                span.start(own.get().isAfter(childrenStart) ? childrenStart : own.get());
            } else {
                span.startFallback(w.receivedAt().isAfter(childrenStart) ? childrenStart : w.receivedAt(), "received");
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
        return span.end(childrenEnd).build();
    }

    /**
     * A Tekton Triggers event: the EventListener that received it names the span (a handful per
     * cluster, so low cardinality); the trigger and the event id come from the labels Triggers put
     * on the runs it created. Its time is that of its children: Triggers records no other.
     */
    SpanRecord triggersEvent(TraceNode node, List<Snapshot> runs, Instant childrenStart, Instant childrenEnd) {
        List<KubeObject> created =
                runs.stream().map(s -> new KubeObject(s.body())).toList();
        String listener = created.stream()
                .map(run -> run.label("triggers.tekton.dev/eventlistener"))
                .filter(java.util.Objects::nonNull)
                .findFirst()
                .orElse(null);
        // One event can fire several triggers of the listener: all of them, in a stable order.
        String triggers = String.join(
                ",",
                created.stream()
                        .map(run -> run.label("triggers.tekton.dev/trigger"))
                        .filter(java.util.Objects::nonNull)
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
        return span.startFallback(childrenStart, "children").end(childrenEnd).build();
    }

    /**
     * A GitHub pull request from its newest delivery: from creation to merge (or close). An
     * environment PR links the application PRs it promotes besides its parent (DESIGN §5).
     */
    SpanRecord pullRequest(TraceNode node, JsonNode payload) {
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
        span.attribute("vcs.change.id", changeId(payload))
                .attribute("vcs.change.title", KubeObject.text(pr.path("title")))
                .attribute("vcs.change.state", merged ? "merged" : KubeObject.text(pr.path("state")))
                .attribute("vcs.change.url", KubeObject.text(pr.path("html_url")))
                .attribute("vcs.repository.name", KubeObject.text(repository.path("full_name")))
                .attribute("vcs.repository.url.full", KubeObject.text(repository.path("html_url")))
                .attribute("vcs.ref.head.name", KubeObject.text(pr.path("head").path("ref")))
                .attribute(
                        "vcs.ref.head.revision", KubeObject.text(pr.path("head").path("sha")))
                .attribute("vcs.ref.base.name", KubeObject.text(pr.path("base").path("ref")));
        List<String> linked = Correlations.linkedPullRequests(node.uid(), KubeObject.text(pr.path("body")));
        for (String uid : linked) {
            if (uid.equals(node.parentUid())) {
                continue;
            }
            // A linked PR not seen (yet) would start its own trace: that is where it will be.
            Optional<TraceNode> other = graph.find(uid).filter(n -> n.traceId() != null);
            span.link(
                    other.map(TraceNode::traceId).orElse(TraceIds.traceId(uid)),
                    TraceIds.spanId(uid),
                    Map.of("pipelinelens.link.type", "promotes", "vcs.change.url", pullRequestUrl(uid)));
        }
        return span.build();
    }

    /** {@code pr:owner/repo#n} back to the PR's web address. */
    private static String pullRequestUrl(String uid) {
        int hash = uid.lastIndexOf('#');
        return "https://github.com/" + uid.substring("pr:".length(), hash) + "/pull/" + uid.substring(hash + 1);
    }

    private List<SpanRecord> phases(
            TraceNode node, String uid, KubeObject taskRun, KubeObject pod, List<Snapshot> events, Instant start) {
        List<SpanRecord> spans = new ArrayList<>();
        Optional<Instant> created = taskRun.creationTimestamp();
        Optional<Instant> scheduled = KubeObject.instant(
                        pod.condition("PodScheduled").path("lastTransitionTime"))
                .or(() -> firstEvent(events, "Scheduled"));
        if (created.isPresent() && scheduled.isPresent()) {
            spans.add(phase(node, uid, "queued", created.get(), scheduled.get()));
        }
        Optional<Instant> pulling = firstEvent(events, "Pulling");
        Optional<Instant> pulled = lastEvent(events, "Pulled");
        if (pulling.isPresent() && pulled.isPresent()) {
            spans.add(phase(node, uid, "image pull", pulling.get(), pulled.get()));
        }
        Optional<Instant> firstStep = firstStart(pod);
        Optional<Instant> creating = pulled.or(() -> scheduled);
        if (creating.isPresent() && firstStep.isPresent()) {
            spans.add(phase(node, uid, "container creation", creating.get(), firstStep.get()));
        }
        return spans;
    }

    private SpanRecord phase(TraceNode node, String uid, String name, Instant start, Instant end) {
        return new SpanDraft(node.traceId(), TraceIds.spanId(uid, name), node.spanId(), name)
                .start(start)
                .end(end)
                .attribute("cicd.pipeline.task.run.id", uid)
                .build();
    }

    /** Steps from the TaskRun's status, or from the pod's step containers when the status has none. */
    private List<SpanRecord> steps(
            String traceId, String taskRunUid, String parent, KubeObject taskRun, Optional<KubeObject> pod) {
        List<SpanRecord> spans = new ArrayList<>();
        JsonNode steps = taskRun.path("status", "steps");
        if (steps.isArray() && !steps.isEmpty()) {
            for (JsonNode step : steps) {
                String container = KubeObject.text(step.path("container"));
                String name = first(
                        KubeObject.text(step.path("name")),
                        container == null ? null : container.replaceFirst("^step-", ""),
                        "step");
                step(
                                traceId,
                                taskRunUid,
                                parent,
                                name,
                                KubeObject.text(step.path("container")),
                                step.path("terminated"))
                        .ifPresent(spans::add);
            }
        } else if (pod.isPresent()) {
            for (JsonNode container : pod.get().path("status", "containerStatuses")) {
                String containerName = container.path("name").asString("");
                if (containerName.startsWith("step-")) {
                    step(
                                    traceId,
                                    taskRunUid,
                                    parent,
                                    containerName.substring("step-".length()),
                                    containerName,
                                    container.path("state").path("terminated"))
                            .ifPresent(spans::add);
                }
            }
        }
        return spans;
    }

    private Optional<SpanRecord> step(
            String traceId, String taskRunUid, String parent, String name, String container, JsonNode terminated) {
        Optional<Instant> started = KubeObject.instant(terminated.path("startedAt"));
        Optional<Instant> finished = KubeObject.instant(terminated.path("finishedAt"));
        if (started.isEmpty() || finished.isEmpty()) {
            return Optional.empty();
        }
        SpanDraft span = new SpanDraft(traceId, TraceIds.spanId(taskRunUid, "step/" + name), parent, "STEP " + name)
                .start(started.get())
                .end(finished.get())
                .attribute("tekton.step.name", name)
                .attribute("container.name", container)
                .attribute("cicd.pipeline.task.run.id", taskRunUid);
        if (terminated.path("exitCode").isNumber()) {
            long exit = terminated.path("exitCode").asLong();
            span.attribute("process.exit.code", exit);
            if (exit != 0) {
                String reason = KubeObject.text(terminated.path("reason"));
                span.error("exit code " + exit + (reason == null ? "" : " (" + reason + ")"));
            }
        }
        return Optional.of(span.build());
    }

    private Optional<SpanRecord> activityStep(
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
            span.error(first(KubeObject.text(step.path("message")), status));
        }
        return Optional.of(span.build());
    }

    private static SpanRecord withAttribute(SpanRecord span, String key, String value) {
        if (value == null) {
            return span;
        }
        Map<String, Object> attributes = new LinkedHashMap<>(span.attributes());
        attributes.put(key, value);
        return new SpanRecord(
                span.traceId(),
                span.spanId(),
                span.parentSpanId(),
                span.name(),
                span.kind(),
                span.startEpochNanos(),
                span.endEpochNanos(),
                attributes,
                span.status(),
                span.statusMessage(),
                span.events(),
                span.links());
    }

    private Optional<Snapshot> pod(KubeObject taskRun) {
        String podName = KubeObject.text(taskRun.path("status", "podName"));
        return podName == null ? Optional.empty() : snapshots.byName("Pod", taskRun.namespace(), podName);
    }

    private void rerunLink(SpanDraft span, KubeObject run) {
        String original = run.label("dashboard.tekton.dev/rerunOf");
        if (original == null) {
            return;
        }
        span.attribute("tekton.pipelinerun.rerun_of", original);
        snapshots
                .byName(run.kind(), run.namespace(), original)
                .flatMap(s -> graph.find(s.uid()))
                .filter(n -> n.traceId() != null)
                .ifPresent(n -> span.link(n.traceId(), n.spanId(), Map.of("pipelinelens.link.type", "rerun_of")));
    }

    /**
     * The other direction, for a re-run that was traced before its original (watches are not
     * ordered): the original links its newest re-run that already has a trace.
     */
    private void rerunsLink(SpanDraft span, KubeObject run) {
        snapshots
                .byLabel(run.kind(), run.namespace(), "dashboard.tekton.dev/rerunOf", run.name())
                .flatMap(s -> graph.find(s.uid()))
                .filter(n -> n.traceId() != null && n.recorded())
                .ifPresent(n -> span.link(n.traceId(), n.spanId(), Map.of("pipelinelens.link.type", "rerun")));
    }

    /** Tekton's own reconciler span, when Tekton's tracing is on: a link, not a parent. */
    private void tektonLink(SpanDraft span, KubeObject object, String annotation) {
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

    /**
     * The Kubernetes Events about the span's object as span events, oldest first (ties by uid, so
     * that every replica writes the same span).
     */
    private static void kubernetesEvents(SpanDraft span, List<Snapshot> events) {
        List<KubeObject> ordered = events.stream()
                .sorted(Comparator.comparing((Snapshot e) ->
                                eventTime(new KubeObject(e.body())).orElse(Instant.EPOCH))
                        .thenComparing(Snapshot::uid))
                .map(e -> new KubeObject(e.body()))
                .toList();
        for (KubeObject event : ordered) {
            Map<String, Object> attributes = new LinkedHashMap<>();
            putText(attributes, "k8s.event.reason", KubeObject.text(event.path("reason")));
            putText(attributes, "k8s.event.message", KubeObject.text(event.path("message")));
            putText(attributes, "k8s.event.type", KubeObject.text(event.path("type")));
            putText(attributes, "k8s.container.field_path", KubeObject.text(event.path("involvedObject", "fieldPath")));
            if (event.path("count").isNumber()) {
                attributes.put("k8s.event.count", event.path("count").asLong());
            }
            eventTime(event)
                    .ifPresent(at -> span.event(first(KubeObject.text(event.path("reason")), "Event"), at, attributes));
        }
    }

    private static void timing(
            SpanDraft span, KubeObject object, Optional<Instant> start, Optional<Instant> end, Snapshot snapshot) {
        if (start.isPresent()) {
            span.start(start.get());
        } else if (object.creationTimestamp().isPresent()) {
            span.startFallback(object.creationTimestamp().get(), "creationTimestamp");
        } else {
            span.startFallback(snapshot.observedAt(), "observed");
        }
        if (end.isPresent()) {
            span.end(end.get());
        } else {
            span.endFallback(snapshot.observedAt(), "observed");
        }
        if (span.end().isBefore(span.start())) {
            span.end(span.start());
        }
    }

    private static void failure(SpanDraft span, String result, String reason, String message) {
        if (!("failure".equals(result) || "error".equals(result) || "timeout".equals(result))) {
            return;
        }
        span.attribute("error.type", reason == null ? result : reason);
        span.error(reason == null ? message : message == null ? reason : reason + ": " + message);
    }

    private static void params(SpanDraft span, JsonNode params) {
        Map<String, String> values = new LinkedHashMap<>();
        for (JsonNode param : params) {
            String name = param.path("name").asString("");
            JsonNode value = param.path("value");
            String text = value.isString() ? value.asString() : value.isMissingNode() ? "" : value.toString();
            if (!name.isBlank() && !text.isBlank()) {
                values.put(name, text);
            }
        }
        values.forEach((name, value) -> span.attribute("tekton.param." + name, Redaction.value(name, value)));
    }

    private static String result(KubeObject object) {
        JsonNode condition = object.condition("Succeeded");
        if ("True".equals(condition.path("status").asString(""))) {
            return "success";
        }
        return switch (condition.path("reason").asString("")) {
            case "Failed" -> "failure";
            case "TaskRunTimeout", "PipelineRunTimeout", "Timeout" -> "timeout";
            case "TaskRunCancelled", "Cancelled", "PipelineRunCancelled" -> "cancellation";
            default -> "error";
        };
    }

    private static Optional<Instant> eventTime(KubeObject event) {
        return KubeObject.instant(event.path("eventTime"))
                .or(() -> KubeObject.instant(event.path("firstTimestamp")))
                .or(() -> KubeObject.instant(event.path("lastTimestamp")))
                .or(event::creationTimestamp);
    }

    private static Optional<Instant> firstEvent(List<Snapshot> events, String reason) {
        return events.stream()
                .map(e -> new KubeObject(e.body()))
                .filter(e -> reason.equals(e.path("reason").asString("")))
                .map(SpanFactory::eventTime)
                .flatMap(Optional::stream)
                .min(Comparator.naturalOrder());
    }

    private static Optional<Instant> lastEvent(List<Snapshot> events, String reason) {
        return events.stream()
                .map(e -> new KubeObject(e.body()))
                .filter(e -> reason.equals(e.path("reason").asString("")))
                .map(e -> KubeObject.instant(e.path("lastTimestamp")).or(() -> eventTime(e)))
                .flatMap(Optional::stream)
                .max(Comparator.naturalOrder());
    }

    private static Optional<Instant> firstStart(KubeObject pod) {
        List<Instant> starts = new ArrayList<>();
        for (JsonNode container : pod.path("status", "containerStatuses")) {
            KubeObject.instant(container.path("state").path("terminated").path("startedAt"))
                    .ifPresent(starts::add);
            KubeObject.instant(container.path("state").path("running").path("startedAt"))
                    .ifPresent(starts::add);
        }
        return starts.stream().min(Comparator.naturalOrder());
    }

    private static Optional<Instant> lastFinish(KubeObject pod) {
        List<Instant> ends = new ArrayList<>();
        for (JsonNode container : pod.path("status", "containerStatuses")) {
            KubeObject.instant(container.path("state").path("terminated").path("finishedAt"))
                    .ifPresent(ends::add);
        }
        return ends.stream().max(Comparator.naturalOrder());
    }

    private static Optional<Instant> webhookTime(JsonNode payload) {
        return KubeObject.instant(payload.path("pull_request").path("updated_at"))
                .or(() -> KubeObject.instant(payload.path("head_commit").path("timestamp")))
                .or(() -> KubeObject.instant(payload.path("comment").path("created_at")));
    }

    private static String changeId(JsonNode payload) {
        JsonNode number = payload.path("pull_request").path("number");
        if (number.isMissingNode()) {
            number = payload.path("issue").path("number");
        }
        if (number.isMissingNode()) {
            number = payload.path("PullRequest").path("Number");
        }
        return number.isNumber() ? number.asString() : null;
    }

    private SpanDraft draft(TraceNode node, String name) {
        return new SpanDraft(node.traceId(), node.spanId(), node.parentSpanId(), name);
    }

    private static void putText(Map<String, Object> attributes, String key, String value) {
        if (value != null) {
            attributes.put(key, value);
        }
    }

    private static String first(String... values) {
        for (String value : values) {
            if (value != null && !value.isBlank()) {
                return value;
            }
        }
        return null;
    }
}
