package io.pipelinelens.sensemaker.tracing.internal;

import static io.pipelinelens.sensemaker.tracing.internal.SpanConventions.draft;
import static io.pipelinelens.sensemaker.tracing.internal.SpanConventions.eventTime;
import static io.pipelinelens.sensemaker.tracing.internal.SpanConventions.failure;
import static io.pipelinelens.sensemaker.tracing.internal.SpanConventions.first;
import static io.pipelinelens.sensemaker.tracing.internal.SpanConventions.kubernetesEvents;
import static io.pipelinelens.sensemaker.tracing.internal.SpanConventions.params;
import static io.pipelinelens.sensemaker.tracing.internal.SpanConventions.result;
import static io.pipelinelens.sensemaker.tracing.internal.SpanConventions.timing;

import io.pipelinelens.sensemaker.ingest.KubeObject;
import io.pipelinelens.sensemaker.ingest.Snapshot;
import io.pipelinelens.sensemaker.lineage.LineageNode;
import io.pipelinelens.sensemaker.lineage.TraceIds;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * A TaskRun: the TASK span from creation to completion, split into queued (created → pod
 * scheduled), image pull, container creation; the POD span with the pod's Events; a STEP span per
 * step container. A pod whose step failed is ERROR like its task, with the step's exit code and
 * reason.
 */
final class TaskRunSpans {

    private TaskRunSpans() {}

    /** The task span comes first. */
    static List<SpanRecord> build(LineageNode node, Snapshot snapshot, SpanInputs inputs) {
        KubeObject taskRun = new KubeObject(snapshot.body());
        String uid = taskRun.uid();
        String task = first(
                taskRun.label("tekton.dev/pipelineTask"),
                taskRun.path("spec", "taskRef", "name").asString(null),
                taskRun.label("tekton.dev/task"),
                taskRun.name());
        String result = snapshot.deleted() && !finished(taskRun) ? "cancellation" : result(taskRun);
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
        Links.tekton(span, taskRun, "tekton.dev/taskrunSpanContext", inputs.json());
        kubernetesEvents(span, inputs.snapshots().eventsAbout(uid, "TaskRun", taskRun.namespace(), taskRun.name()));

        List<SpanRecord> children = new ArrayList<>();
        Optional<KubeObject> pod = pod(taskRun, inputs).map(p -> new KubeObject(p.body()));
        String stepParent = node.spanId();
        if (pod.isPresent()) {
            KubeObject podObject = pod.get();
            List<Snapshot> events =
                    inputs.snapshots().eventsAbout(podObject.uid(), "Pod", podObject.namespace(), podObject.name());
            String podSpanId = TraceIds.spanId(uid, "pod");
            stepParent = podSpanId;
            List<SpanRecord> steps = steps(node.traceId(), uid, podSpanId, taskRun, pod);
            children.add(podSpan(node, podSpanId, task, podObject, events, steps, span));
            children.addAll(steps);
            children.addAll(phases(node, uid, span.start(), podObject, events));
        } else {
            children.addAll(steps(node.traceId(), uid, stepParent, taskRun, pod));
        }
        // A span contains its children: second-precision timestamps of different writers can
        // disagree by a moment, and the task must not look shorter than what ran in it.
        children.stream()
                .filter(c -> node.spanId().equals(c.parentSpanId()))
                .map(SpanRecord::endEpochNanos)
                .max(Comparator.naturalOrder())
                .filter(end -> end > KubeObject.nanos(span.end()))
                .ifPresent(end -> span.end(Instant.ofEpochSecond(0, end)));
        List<SpanRecord> spans = new ArrayList<>();
        spans.add(span.build());
        spans.addAll(children);
        return spans;
    }

    private static SpanRecord podSpan(
            LineageNode node,
            String podSpanId,
            String task,
            KubeObject pod,
            List<Snapshot> events,
            List<SpanRecord> steps,
            SpanDraft taskSpan) {
        SpanDraft span = new SpanDraft(node.traceId(), podSpanId, node.spanId(), "POD " + task)
                .attribute("k8s.pod.name", pod.name())
                .attribute("k8s.pod.uid", pod.uid())
                .attribute("k8s.namespace.name", pod.namespace())
                .attribute("k8s.node.name", KubeObject.text(pod.path("spec", "nodeName")))
                .attribute("k8s.pod.phase", KubeObject.text(pod.path("status", "phase")));
        Instant start = pod.creationTimestamp().orElse(taskSpan.start());
        // Never before its task: the task's pod is created after the task.
        start = start.isBefore(taskSpan.start()) ? taskSpan.start() : start;
        Instant end = lastFinish(pod).orElse(taskSpan.end());
        for (SpanRecord step : steps) {
            Instant stepEnd = Instant.ofEpochSecond(0, step.endEpochNanos());
            end = stepEnd.isAfter(end) ? stepEnd : end;
        }
        span.start(start).end(end);
        kubernetesEvents(span, events);
        failedContainer(pod).ifPresent(failed -> {
            long exit = failed.path("state").path("terminated").path("exitCode").asLong();
            String reason =
                    KubeObject.text(failed.path("state").path("terminated").path("reason"));
            String container = failed.path("name").asString("");
            span.attribute("error.type", reason == null ? "exit code " + exit : reason);
            span.error(container + " exited with code " + exit + (reason == null ? "" : " (" + reason + ")"));
        });
        if (span.status() != SpanRecord.Status.ERROR
                && "Failed".equals(pod.path("status", "phase").asString(""))) {
            String reason = KubeObject.text(pod.path("status", "reason"));
            span.attribute("error.type", reason == null ? "Failed" : reason);
            span.error(first(KubeObject.text(pod.path("status", "message")), reason, "pod failed"));
        }
        return span.build();
    }

    /** The first step container that exited non-zero, in the pod's order. */
    private static Optional<JsonNode> failedContainer(KubeObject pod) {
        for (JsonNode container : pod.path("status", "containerStatuses")) {
            JsonNode exit = container.path("state").path("terminated").path("exitCode");
            if (exit.isNumber() && exit.asLong() != 0) {
                return Optional.of(container);
            }
        }
        return Optional.empty();
    }

    private static List<SpanRecord> phases(
            LineageNode node, String uid, Instant taskStart, KubeObject pod, List<Snapshot> events) {
        List<SpanRecord> spans = new ArrayList<>();
        Optional<Instant> scheduled = KubeObject.instant(
                        pod.condition("PodScheduled").path("lastTransitionTime"))
                .or(() -> firstEvent(events, "Scheduled"));
        if (scheduled.isPresent()) {
            spans.add(phase(node, uid, "queued", taskStart, scheduled.get()));
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
        // Phases split the task: none starts before it.
        return spans.stream()
                .map(p -> p.startEpochNanos() < KubeObject.nanos(taskStart)
                        ? p.startingAt(KubeObject.nanos(taskStart))
                        : p)
                .toList();
    }

    private static SpanRecord phase(LineageNode node, String uid, String name, Instant start, Instant end) {
        return new SpanDraft(node.traceId(), TraceIds.spanId(uid, name), node.spanId(), name)
                .start(start)
                .end(end)
                .attribute("cicd.pipeline.task.run.id", uid)
                .build();
    }

    /** Steps from the TaskRun's status, or from the pod's step containers when the status has none. */
    private static List<SpanRecord> steps(
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
                step(traceId, taskRunUid, parent, name, container, step.path("terminated"))
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

    private static Optional<SpanRecord> step(
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
                span.attribute("error.type", reason == null ? "exit code " + exit : reason);
                span.error("exit code " + exit + (reason == null ? "" : " (" + reason + ")"));
            }
        }
        return Optional.of(span.build());
    }

    private static Optional<Snapshot> pod(KubeObject taskRun, SpanInputs inputs) {
        String podName = KubeObject.text(taskRun.path("status", "podName"));
        return podName == null ? Optional.empty() : inputs.snapshots().byName("Pod", taskRun.namespace(), podName);
    }

    private static boolean finished(KubeObject object) {
        String status = object.condition("Succeeded").path("status").asString("");
        return ("True".equals(status) || "False".equals(status))
                && KubeObject.instant(object.path("status", "completionTime")).isPresent();
    }

    private static Optional<Instant> firstEvent(List<Snapshot> events, String reason) {
        return events.stream()
                .map(e -> new KubeObject(e.body()))
                .filter(e -> reason.equals(e.path("reason").asString("")))
                .map(SpanConventions::eventTime)
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
}
