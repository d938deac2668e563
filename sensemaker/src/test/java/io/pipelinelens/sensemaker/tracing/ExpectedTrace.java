package io.pipelinelens.sensemaker.tracing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.Span;
import io.opentelemetry.proto.trace.v1.Status;
import io.pipelinelens.testing.OtlpReceiver;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The trace a {@link TraceScenario} must produce, worked out from the scenario's objects alone
 * (DESIGN §3–4): ids from the uids, parents from the ownership the objects declare, times from
 * the objects' own timestamps.
 */
final class ExpectedTrace {

    record ExpectedSpan(String spanId, String parentSpanId, String name, Instant start, Instant end, boolean error) {}

    final String traceId;
    final String rootSpanId;
    final Map<String, ExpectedSpan> spans = new LinkedHashMap<>();

    ExpectedTrace(TraceScenario s) {
        traceId = sha256("trace:git-event:" + s.guid, 16);
        rootSpanId = sha256("span:git-event:" + s.guid, 8);

        JsonNode runLabels = s.run.path("metadata").path("labels");
        String pipeline = runLabels.path("lighthouse.jenkins-x.io/refs.org").asString() + "/"
                + runLabels.path("lighthouse.jenkins-x.io/refs.repo").asString() + "/"
                + runLabels
                        .path("lighthouse.jenkins-x.io/job")
                        .asString(runLabels
                                .path("lighthouse.jenkins-x.io/context")
                                .asString());
        String result = TraceScenario.runResult(s.run);
        boolean failed = !result.equals("success") && !result.equals("cancellation");

        // A resource's span starts when it was created (DESIGN §4): the job before its run.
        String jobId = spanId(uid(s.job));
        add(
                jobId,
                rootSpanId,
                "JOB " + pipeline,
                earliest(time(s.job, "metadata", "creationTimestamp"), time(s.job, "status", "startTime")),
                time(s.job, "status", "completionTime"),
                failed);

        String runId = spanId(uid(s.run));
        Instant created = time(s.run, "metadata", "creationTimestamp");
        Optional<Instant> runStarted = optionalTime(s.run, "status", "startTime");
        Instant runStart = runStarted.orElse(created);
        Instant runEnd = time(s.run, "status", "completionTime");
        add(runId, jobId, "RUN " + pipeline, created, runEnd, failed);
        if (runStart.isAfter(created)) {
            add(spanId(uid(s.run), "pending"), runId, "pending", created, runStart, false);
        }
        // Pending → running (DESIGN §4): running only when Tekton recorded when it started.
        if (runStarted.isPresent()) {
            add(spanId(uid(s.run), "running"), runId, "running", runStarted.get(), runEnd, false);
        }
        // A skipped pipeline task: a task span without duration when the run completed.
        for (JsonNode skipped : s.run.path("status").path("skippedTasks")) {
            String name = skipped.path("name").asString();
            add(spanId(uid(s.run), "skipped/" + name), runId, "TASK " + name, runEnd, runEnd, false);
        }

        for (int i = 0; i < s.taskRuns.size(); i++) {
            ObjectNode taskRun = s.taskRuns.get(i);
            ObjectNode pod = s.pods.get(i);
            String trUid = uid(taskRun);
            String task = taskRun.path("metadata")
                    .path("labels")
                    .path("tekton.dev/pipelineTask")
                    .asString();
            String reason = taskRun.path("status")
                    .path("conditions")
                    .path(0)
                    .path("reason")
                    .asString();
            boolean taskFailed = reason.equals("Failed") || reason.endsWith("Timeout");
            String taskId = spanId(trUid);
            Instant taskStart =
                    earliest(time(taskRun, "metadata", "creationTimestamp"), time(taskRun, "status", "startTime"));
            Instant taskEnd = time(taskRun, "status", "completionTime");

            String podId = spanId(trUid, "pod");
            Instant lastFinish = null;
            Instant firstStart = null;
            boolean stepFailed = false;
            for (JsonNode step : taskRun.path("status").path("steps")) {
                JsonNode terminated = step.path("terminated");
                Instant finished = Instant.parse(terminated.path("finishedAt").asString());
                lastFinish = lastFinish == null || finished.isAfter(lastFinish) ? finished : lastFinish;
                if (!terminated.hasNonNull("startedAt")) {
                    continue;
                }
                Instant started = Instant.parse(terminated.path("startedAt").asString());
                firstStart = firstStart == null || started.isBefore(firstStart) ? started : firstStart;
                String name = step.path("name").asString();
                add(
                        spanId(trUid, "step/" + name),
                        podId,
                        "STEP " + name,
                        started,
                        finished,
                        terminated.path("exitCode").asInt() != 0);
                stepFailed |= terminated.path("exitCode").asInt() != 0;
            }
            Instant podCreated = time(pod, "metadata", "creationTimestamp");
            Instant podEnd = lastFinish == null ? taskEnd : lastFinish;
            // A pod whose step failed is ERROR like its task; the task contains its pod.
            add(podId, taskId, "POD " + task, podCreated, podEnd, stepFailed);
            add(taskId, runId, "TASK " + task, taskStart, podEnd.isAfter(taskEnd) ? podEnd : taskEnd, taskFailed);
            Instant scheduled = eventAt(s, pod, "Scheduled");
            add(
                    spanId(trUid, "queued"),
                    taskId,
                    "queued",
                    time(taskRun, "metadata", "creationTimestamp"),
                    scheduled,
                    false);
            Instant pulled = eventAt(s, pod, "Pulled");
            add(spanId(trUid, "image pull"), taskId, "image pull", eventAt(s, pod, "Pulling"), pulled, false);
            if (firstStart != null) {
                add(spanId(trUid, "container creation"), taskId, "container creation", pulled, firstStart, false);
            }
        }

        if (s.activity != null) {
            String activityUid = uid(s.activity);
            String activityId = spanId(activityUid);
            JsonNode spec = s.activity.path("spec");
            Instant activityEnd = Instant.parse(spec.path("completedTimestamp").asString());
            add(
                    activityId,
                    runId,
                    "ACTIVITY " + spec.path("pipeline").asString(),
                    Instant.parse(spec.path("startedTimestamp").asString()),
                    activityEnd,
                    false);
            int index = 0;
            for (JsonNode step : spec.path("steps")) {
                index++;
                if (step.path("kind").asString().equals("Stage")) {
                    JsonNode stage = step.path("stage");
                    String stageId = spanId(
                            activityUid,
                            "stage/" + index + "/" + stage.path("name").asString());
                    add(
                            stageId,
                            activityId,
                            "STAGE " + stage.path("name").asString(),
                            stamp(stage, "startedTimestamp"),
                            stamp(stage, "completedTimestamp"),
                            false);
                    int inner = 0;
                    for (JsonNode innerStep : stage.path("steps")) {
                        inner++;
                        add(
                                spanId(activityUid, "stage/" + index + "/step/" + inner),
                                stageId,
                                "STEP " + innerStep.path("name").asString(),
                                stamp(innerStep, "startedTimestamp"),
                                stamp(innerStep, "completedTimestamp"),
                                false);
                    }
                } else {
                    JsonNode promote = step.path("promote");
                    String environment = promote.path("environment").asString();
                    add(
                            spanId(activityUid, "Promote/" + index + "/" + environment),
                            activityId,
                            "PROMOTE " + environment,
                            stamp(promote, "startedTimestamp"),
                            promote.has("completedTimestamp") ? stamp(promote, "completedTimestamp") : activityEnd,
                            false);
                }
            }
        }

        Instant childrenStart = spans.values().stream()
                .map(ExpectedSpan::start)
                .min(Comparator.naturalOrder())
                .orElseThrow();
        Instant childrenEnd = spans.values().stream()
                .map(ExpectedSpan::end)
                .max(Comparator.naturalOrder())
                .orElseThrow();
        Instant ownTime = s.webhookPayload.has("pull_request")
                ? Instant.parse(
                        s.webhookPayload.path("pull_request").path("updated_at").asString())
                : Instant.parse(
                        s.webhookPayload.path("head_commit").path("timestamp").asString());
        // The root carries the outcome of what it started.
        add(
                rootSpanId,
                null,
                "github " + s.webhookKind,
                ownTime.isBefore(childrenStart) ? ownTime : childrenStart,
                childrenEnd,
                failed);
    }

    private static Instant earliest(Instant a, Instant b) {
        return a.isBefore(b) ? a : b;
    }

    private void add(String id, String parent, String name, Instant start, Instant end, boolean error) {
        ExpectedSpan previous = spans.put(id, new ExpectedSpan(id, parent, name, start, end, error));
        assertThat(previous).as("span ids are unique: %s", name).isNull();
    }

    /** Waits until every expected span of the trace arrived, then checks that nothing else did. */
    List<Span> awaitSpans(OtlpReceiver otlp, Duration timeout) {
        return awaitSpans(otlp::spans, timeout);
    }

    /** The same, among the spans the source gives (e.g. those received since some point). */
    List<Span> awaitSpans(Supplier<List<OtlpReceiver.ReceivedSpan>> otlp, Duration timeout) {
        await().atMost(timeout)
                .untilAsserted(() -> assertThat(received(otlp).stream()
                                .map(ExpectedTrace::spanIdOf)
                                .toList())
                        .containsAll(spans.keySet()));
        // The root closes last: once it is there, no span of the trace is still to come.
        List<Span> received = received(otlp);
        assertThat(received.stream().map(ExpectedTrace::spanIdOf).toList())
                .as("each span of the trace exported once, and no other")
                .containsExactlyInAnyOrderElementsOf(spans.keySet());
        return received;
    }

    /** Names, parents, times to the millisecond and status of every span. */
    void assertTree(List<Span> received) {
        assertContainment(received);
        for (Span span : received) {
            ExpectedSpan expected = spans.get(spanIdOf(span));
            String what = expected.name();
            assertThat(span.getName()).as("name of %s", what).isEqualTo(expected.name());
            assertThat(hex(span.getTraceId().toByteArray()))
                    .as("trace of %s", what)
                    .isEqualTo(traceId);
            assertThat(
                            span.getParentSpanId().isEmpty()
                                    ? null
                                    : hex(span.getParentSpanId().toByteArray()))
                    .as("parent of %s", what)
                    .isEqualTo(expected.parentSpanId());
            assertThat(Instant.ofEpochSecond(0, span.getStartTimeUnixNano()))
                    .as("start of %s", what)
                    .isEqualTo(expected.start());
            assertThat(Instant.ofEpochSecond(0, span.getEndTimeUnixNano()))
                    .as("end of %s", what)
                    .isEqualTo(expected.end());
            assertThat(span.getStatus().getCode())
                    .as("status of %s", what)
                    .isEqualTo(
                            expected.error()
                                    ? Status.StatusCode.STATUS_CODE_ERROR
                                    : Status.StatusCode.STATUS_CODE_UNSET);
        }
    }

    /** Every span lies within its parent (DESIGN §4): trace UIs draw anything else wrong. */
    static void assertContainment(List<Span> received) {
        Map<String, Span> byId = new LinkedHashMap<>();
        received.forEach(span -> byId.put(spanIdOf(span), span));
        for (Span span : received) {
            Span parent = span.getParentSpanId().isEmpty()
                    ? null
                    : byId.get(hex(span.getParentSpanId().toByteArray()));
            if (parent == null) {
                continue;
            }
            assertThat(span.getStartTimeUnixNano())
                    .as("%s starts within its parent %s", span.getName(), parent.getName())
                    .isGreaterThanOrEqualTo(parent.getStartTimeUnixNano());
            assertThat(span.getEndTimeUnixNano())
                    .as("%s ends within its parent %s", span.getName(), parent.getName())
                    .isLessThanOrEqualTo(parent.getEndTimeUnixNano());
        }
    }

    List<Span> received(OtlpReceiver otlp) {
        return received(otlp::spans);
    }

    List<Span> received(Supplier<List<OtlpReceiver.ReceivedSpan>> otlp) {
        List<Span> found = new ArrayList<>();
        for (OtlpReceiver.ReceivedSpan s : otlp.get()) {
            if (hex(s.span().getTraceId().toByteArray()).equals(traceId)) {
                found.add(s.span());
            }
        }
        return found;
    }

    static long nanos(Instant instant) {
        return instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
    }

    static Span named(List<Span> spans, String name) {
        List<Span> found = spans.stream().filter(s -> s.getName().equals(name)).toList();
        assertThat(found).as("span %s", name).hasSize(1);
        return found.getFirst();
    }

    static Map<String, Object> attributes(Span span) {
        return attributes(span.getAttributesList());
    }

    static Map<String, Object> attributes(Span.Link link) {
        return attributes(link.getAttributesList());
    }

    static Map<String, Object> attributes(Span.Event event) {
        return attributes(event.getAttributesList());
    }

    private static Map<String, Object> attributes(List<KeyValue> attributes) {
        return attributes.stream().collect(Collectors.toMap(KeyValue::getKey, kv -> switch (kv.getValue()
                .getValueCase()) {
            case INT_VALUE -> kv.getValue().getIntValue();
            case BOOL_VALUE -> kv.getValue().getBoolValue();
            case DOUBLE_VALUE -> kv.getValue().getDoubleValue();
            default -> kv.getValue().getStringValue();
        }));
    }

    static String spanIdOf(Span span) {
        return hex(span.getSpanId().toByteArray());
    }

    static String spanId(String uid) {
        return sha256("span:" + uid, 8);
    }

    static String spanId(String uid, String part) {
        return sha256("span:" + uid + "/" + part, 8);
    }

    static String uid(JsonNode object) {
        return object.path("metadata").path("uid").asString();
    }

    /** By the involved object's uid, or by its name when the Event carries no uid (DESIGN §3). */
    private static boolean about(JsonNode event, JsonNode pod) {
        JsonNode involved = event.path("involvedObject");
        String involvedUid = involved.path("uid").asString("");
        return involvedUid.isEmpty()
                ? involved.path("name")
                        .asString("")
                        .equals(pod.path("metadata").path("name").asString())
                : involvedUid.equals(uid(pod));
    }

    private static Instant eventAt(TraceScenario s, JsonNode pod, String reason) {
        return s.events.stream()
                .filter(e -> about(e, pod))
                .filter(e -> e.path("reason").asString().equals(reason))
                .map(e -> Instant.parse(
                        e.hasNonNull("eventTime")
                                ? e.path("eventTime").asString()
                                : e.path("firstTimestamp").asString()))
                .findFirst()
                .orElseThrow();
    }

    private static Instant time(JsonNode object, String... path) {
        return optionalTime(object, path).orElseThrow(() -> new AssertionError("no " + String.join(".", path)));
    }

    private static Optional<Instant> optionalTime(JsonNode object, String... path) {
        JsonNode node = object;
        for (String field : path) {
            node = node.path(field);
        }
        return node.isString() ? Optional.of(Instant.parse(node.asString())) : Optional.empty();
    }

    private static Instant stamp(JsonNode node, String field) {
        return Instant.parse(node.path(field).asString());
    }

    static String sha256(String text, int bytes) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    static String hex(byte[] bytes) {
        return HexFormat.of().formatHex(bytes);
    }
}
