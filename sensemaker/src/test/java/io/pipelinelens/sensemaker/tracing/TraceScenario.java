package io.pipelinelens.sensemaker.tracing;

import io.pipelinelens.contracts.ResourceEvents;
import io.pipelinelens.sensemaker.Observations;
import io.pipelinelens.testing.Fixtures;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.springframework.amqp.core.Message;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * One Lighthouse run as a real cluster shows it, built from the fixtures: a GitHub delivery, the
 * LighthouseJob it starts (label {@code event-GUID}), the PipelineRun (owner reference and labels
 * naming the job), its TaskRuns (owner reference and {@code tekton.dev/*} labels), one pod per
 * TaskRun whose step containers match the TaskRun's steps, the pod's Kubernetes Events, and
 * optionally the PipelineActivity. Every object gets fresh uids and names from the given random
 * source, so scenarios never collide and a seeded source gives the same scenario twice.
 */
final class TraceScenario {

    static final String LIGHTHOUSE = "lighthouse.jenkins-x.io/";

    /** One CloudEvent as the harvester would publish it. */
    record Delivery(String routingKey, Message message, String description) {}

    final String guid;
    final String webhookFixture;
    final String webhookKind;
    final ObjectNode webhookPayload;
    final OffsetDateTime webhookReceivedAt;
    final ObjectNode job;
    final ObjectNode run;
    final List<ObjectNode> taskRuns = new ArrayList<>();
    final List<ObjectNode> pods = new ArrayList<>();
    final List<ObjectNode> events = new ArrayList<>();
    ObjectNode activity;
    /** Older states of the objects above (a running PipelineRun, a pending job), published too. */
    final List<ObjectNode> earlierStates = new ArrayList<>();

    private final Random random;
    private final String originalRunName;

    private TraceScenario(
            Random random,
            String webhookFixture,
            String webhookKind,
            String jobFixture,
            String runFixture,
            TraceScenario sibling,
            String siblingContext) {
        this.random = random;
        // A sibling job of the same git event: same delivery, another context (DESIGN §3).
        this.guid = sibling == null ? uuid() : sibling.guid;
        this.webhookFixture = webhookFixture;
        this.webhookKind = webhookKind;
        this.run = Observations.fixture(runFixture);
        this.originalRunName = run.path("metadata").path("name").asString();
        String suffix = suffix();

        // The run first: its labels are what Lighthouse copied from the job.
        ObjectNode runMeta = (ObjectNode) run.path("metadata");
        Instant created = instant(runMeta.path("creationTimestamp"));
        ObjectNode runLabels = runMeta.withObject("labels");
        // Lighthouse numbers every build anew: the build labels are a correlation key.
        runLabels.put(
                LIGHTHOUSE + "buildNum",
                Long.toString(1_600_000_000_000L + Math.abs(random.nextLong() % 100_000_000_000L)));
        if (sibling != null) {
            // Siblings share repository, branch and build number: only the context differs.
            JsonNode first = sibling.run.path("metadata").path("labels");
            for (String shared : List.of("refs.org", "refs.repo", "branch", "buildNum", "refs.pull")) {
                if (first.has(LIGHTHOUSE + shared)) {
                    runLabels.put(
                            LIGHTHOUSE + shared, first.path(LIGHTHOUSE + shared).asString());
                }
            }
            runLabels.put(LIGHTHOUSE + "context", siblingContext).put(LIGHTHOUSE + "job", siblingContext);
        }

        this.job = Observations.fixture(jobFixture);
        ObjectNode jobMeta = (ObjectNode) job.path("metadata");
        String jobName = "lhj-" + suffix;
        jobMeta.put("name", jobName)
                .put("uid", uuid())
                .put("namespace", "jx")
                .put("resourceVersion", "20")
                .put("creationTimestamp", ts(created.minusSeconds(1)));
        ObjectNode jobLabels = jobMeta.withObject("labels");
        jobLabels.removeAll();
        runLabels.properties().forEach(e -> {
            if (e.getKey().startsWith(LIGHTHOUSE) && !e.getKey().endsWith("/id")) {
                jobLabels.put(e.getKey(), e.getValue().asString());
            }
        });
        jobLabels.put("created-by-lighthouse", "true").put("event-GUID", guid);
        String org = runLabels.path(LIGHTHOUSE + "refs.org").asString();
        String repo = runLabels.path(LIGHTHOUSE + "refs.repo").asString();
        String jobLabel = runLabels.path(LIGHTHOUSE + "job").asString(null);
        String context = runLabels.path(LIGHTHOUSE + "context").asString();
        ObjectNode spec = job.withObject("spec");
        spec.put("job", jobLabel == null ? context : jobLabel).put("context", context);
        ObjectNode refs = spec.withObject("refs");
        refs.put("org", org)
                .put("repo", repo)
                .put("clone_uri", "https://github.com/" + org + "/" + repo + ".git")
                .put("repo_link", "https://github.com/" + org + "/" + repo);
        String pull = runLabels.path(LIGHTHOUSE + "refs.pull").asString(null);
        if (pull == null) {
            refs.remove("pulls");
            refs.put("base_ref", runLabels.path(LIGHTHOUSE + "branch").asString());
        } else {
            ObjectNode first = (ObjectNode) refs.withArray("pulls").get(0);
            first.put("number", Integer.parseInt(pull));
            first.put(
                    "sha",
                    runLabels
                            .path(LIGHTHOUSE + "lastCommitSHA")
                            .asString(first.path("sha").asString()));
        }

        String runUid = uuid();
        String runName = runMeta.path("name").asString() + "-" + suffix;
        runMeta.put("uid", runUid).put("name", runName).put("namespace", "jx");
        runLabels.put("event-GUID", guid);
        runLabels.put(LIGHTHOUSE + "id", jobName);
        runLabels.put("tekton.dev/pipeline", runName);
        ArrayNode owners = runMeta.putArray("ownerReferences");
        owners.addObject()
                .put("apiVersion", "lighthouse.jenkins.io/v1alpha1")
                .put("kind", "LighthouseJob")
                .put("controller", true)
                .put("name", jobName)
                .put("uid", jobMeta.path("uid").asString());

        // The job's final state follows its run's, as Lighthouse's controller reports it.
        String result = runResult(run);
        ObjectNode jobStatus = job.withObject("status");
        jobStatus.put(
                "state",
                switch (result) {
                    case "success" -> "success";
                    case "cancellation" -> "aborted";
                    default -> "failure";
                });
        jobStatus.put("startTime", ts(created));
        jobStatus.put(
                "completionTime", run.path("status").path("completionTime").asString());
        jobStatus.put(
                "description",
                run.path("status").path("conditions").path(0).path("message").asString("done"));
        jobStatus.put("reportURL", "https://dashboard.example.com/jx/" + runName);
        ObjectNode pendingJob = job.deepCopy();
        ((ObjectNode) pendingJob.path("metadata")).put("resourceVersion", "10");
        ((ObjectNode) pendingJob.path("status")).removeAll().put("state", "pending");
        earlierStates.add(pendingJob);

        // The delivery that started it, received shortly before the run was created.
        this.webhookPayload = (ObjectNode) Fixtures.tree(webhookFixture);
        this.webhookReceivedAt = created.minusSeconds(2).atOffset(ZoneOffset.UTC);
        if (webhookPayload.has("pull_request")) {
            ((ObjectNode) webhookPayload.path("pull_request")).put("updated_at", ts(created.minusSeconds(3)));
            ((ObjectNode) webhookPayload.path("pull_request")).put("number", pull == null ? 1 : Integer.parseInt(pull));
        } else if (webhookPayload.has("head_commit")) {
            ((ObjectNode) webhookPayload.path("head_commit")).put("timestamp", ts(created.minusSeconds(4)));
        }
    }

    static Builder builder(Random random) {
        return new Builder(random);
    }

    static final class Builder {
        private final Random random;
        private String webhook = "github/pull_request-opened.json";
        private String webhookKind = "pull_request";
        private String job = "lighthouse/lighthousejob-presubmit-pending.yaml";
        private String run;
        private final List<String> taskRuns = new ArrayList<>();
        private boolean activity;
        private TraceScenario sibling;
        private String siblingContext;

        private Builder(Random random) {
            this.random = random;
        }

        Builder push() {
            webhook = "github/push-to-master.json";
            webhookKind = "push";
            job = "lighthouse/lighthousejob-postsubmit-pending.yaml";
            return this;
        }

        Builder run(String fixture) {
            run = fixture;
            return this;
        }

        Builder taskRun(String fixture) {
            taskRuns.add(fixture);
            return this;
        }

        /** Another job of the same git event as {@code first}, with the given context. */
        Builder siblingOf(TraceScenario first, String context) {
            sibling = first;
            siblingContext = context;
            webhook = null;
            return this;
        }

        Builder withActivity() {
            activity = true;
            return this;
        }

        TraceScenario build() {
            TraceScenario scenario = sibling == null
                    ? new TraceScenario(random, webhook, webhookKind, job, run, null, null)
                    : new TraceScenario(
                            random, sibling.webhookFixture, sibling.webhookKind, job, run, sibling, siblingContext);
            taskRuns.forEach(scenario::addTaskRun);
            if (activity) {
                scenario.addActivity();
            }
            scenario.addRunningState();
            return scenario;
        }
    }

    private void addTaskRun(String fixture) {
        ObjectNode taskRun = Observations.fixture(fixture);
        ObjectNode runMeta = (ObjectNode) run.path("metadata");
        String originalName = taskRun.path("metadata").path("name").asString();
        String suffix = suffix();
        String name = originalName + "-" + suffix;
        String pipelineTask = pipelineTask(originalName);
        ObjectNode meta = taskRun.withObject("metadata");
        Instant start = instant(taskRun.path("status").path("startTime"));
        meta.put("name", name)
                .put("uid", uuid())
                .put("namespace", "jx")
                .put("resourceVersion", "30")
                .put("creationTimestamp", ts(start));
        ObjectNode labels = meta.withObject("labels");
        labels.put("tekton.dev/pipeline", runMeta.path("name").asString())
                .put("tekton.dev/pipelineRun", runMeta.path("name").asString())
                .put("tekton.dev/pipelineRunUID", runMeta.path("uid").asString())
                .put("tekton.dev/pipelineTask", pipelineTask)
                .put("tekton.dev/memberOf", "tasks");
        meta.putArray("ownerReferences")
                .addObject()
                .put("apiVersion", run.path("apiVersion").asString("tekton.dev/v1"))
                .put("kind", "PipelineRun")
                .put("controller", true)
                .put("name", runMeta.path("name").asString())
                .put("uid", runMeta.path("uid").asString());
        if (!taskRun.has("kind")) {
            taskRun.put("apiVersion", "tekton.dev/v1").put("kind", "TaskRun");
        }
        // The run's childReferences name the renamed TaskRun.
        for (JsonNode child : run.path("status").path("childReferences")) {
            if (originalName.equals(child.path("name").asString())) {
                ((ObjectNode) child).put("name", name);
            }
        }
        ObjectNode status = (ObjectNode) taskRun.path("status");
        String podName = status.path("podName").asString(name + "-pod") + "-" + suffix;
        status.put("podName", podName);
        taskRuns.add(taskRun);
        addPod(taskRun, pipelineTask, podName, start);
    }

    private void addPod(ObjectNode taskRun, String pipelineTask, String podName, Instant start) {
        ObjectNode pod = Observations.fixture("pods/pod-taskrun-meta-pipeline-succeeded.yaml");
        ObjectNode meta = (ObjectNode) pod.path("metadata");
        ObjectNode trMeta = (ObjectNode) taskRun.path("metadata");
        meta.put("name", podName)
                .put("uid", uuid())
                .put("namespace", "jx")
                .put("resourceVersion", "40")
                .put("creationTimestamp", ts(start));
        meta.remove("generateName");
        ObjectNode labels = meta.withObject("labels");
        labels.removeAll();
        labels.put("app.kubernetes.io/managed-by", "tekton-pipelines")
                .put("tekton.dev/taskRun", trMeta.path("name").asString())
                .put(
                        "tekton.dev/pipelineRun",
                        trMeta.path("labels").path("tekton.dev/pipelineRun").asString())
                .put("tekton.dev/pipelineTask", pipelineTask);
        meta.putArray("ownerReferences")
                .addObject()
                .put("apiVersion", "tekton.dev/v1")
                .put("kind", "TaskRun")
                .put("controller", true)
                .put("name", trMeta.path("name").asString())
                .put("uid", trMeta.path("uid").asString());
        ObjectNode status = (ObjectNode) pod.path("status");
        status.remove("initContainerStatuses");
        for (JsonNode condition : status.path("conditions")) {
            ((ObjectNode) condition).put("lastTransitionTime", ts(start.plusSeconds(1)));
        }
        // The step containers are the TaskRun's steps, with the same times and exit codes.
        ArrayNode containers = status.putArray("containerStatuses");
        for (JsonNode step : taskRun.path("status").path("steps")) {
            ObjectNode container = containers.addObject();
            container.put(
                    "name",
                    step.path("container").asString("step-" + step.path("name").asString()));
            container.put("ready", false).put("restartCount", 0);
            container
                    .withObject("state")
                    .set("terminated", step.path("terminated").deepCopy());
        }
        pods.add(pod);
        String firstContainer = containers.isEmpty()
                ? "step-init"
                : containers.get(0).path("name").asString();
        addEvents(pod, firstContainer, start);
    }

    /** Scheduled, Pulling, Pulled, Created, Started from the fixture, about this pod, in its window. */
    private void addEvents(ObjectNode pod, String container, Instant start) {
        Map<String, Integer> offsets = Map.of("Scheduled", 1, "Pulling", 2, "Pulled", 3, "Created", 4, "Started", 4);
        for (JsonNode fixture : Fixtures.objects("events/k8s-events-v1-deployment-rollout-pod-lifecycle.yaml")) {
            String reason = fixture.path("reason").asString();
            if (!offsets.containsKey(reason)
                    || !"Pod".equals(fixture.path("involvedObject").path("kind").asString())) {
                continue;
            }
            ObjectNode event = (ObjectNode) fixture.deepCopy();
            Instant at = start.plusSeconds(offsets.get(reason));
            ObjectNode meta = (ObjectNode) event.path("metadata");
            String podName = pod.path("metadata").path("name").asString();
            meta.put("name", podName + "." + Long.toHexString(random.nextLong()))
                    .put("uid", uuid())
                    .put("namespace", "jx")
                    .put("resourceVersion", "50")
                    .put("creationTimestamp", ts(at));
            meta.remove("selfLink");
            ObjectNode involved = (ObjectNode) event.path("involvedObject");
            involved.put("kind", "Pod")
                    .put("apiVersion", "v1")
                    .put("name", podName)
                    .put("namespace", "jx")
                    .put("uid", pod.path("metadata").path("uid").asString());
            if (involved.has("fieldPath")) {
                involved.put("fieldPath", "spec.containers{" + container + "}");
            }
            if (event.path("eventTime").isNull() || !event.has("eventTime")) {
                event.put("firstTimestamp", ts(at)).put("lastTimestamp", ts(at));
            } else {
                event.put("eventTime", ts(at));
            }
            events.add(event);
        }
    }

    /**
     * An Event Tekton's controller records about a TaskRun or PipelineRun ({@code Started},
     * {@code Running}, {@code Succeeded}, {@code Failed}). The fixtures hold no such Event, so this
     * is the fixture's controller Event ({@code SuccessfulCreate}: firstTimestamp, lastTimestamp,
     * count) with its involvedObject, reason and message changed to this object and Tekton's.
     */
    ObjectNode addTektonEvent(ObjectNode object, String reason, String message, Instant at) {
        JsonNode fixture = Fixtures.objects("events/k8s-events-v1-deployment-rollout-pod-lifecycle.yaml").stream()
                .filter(e -> "SuccessfulCreate".equals(e.path("reason").asString()))
                .findFirst()
                .orElseThrow();
        ObjectNode event = (ObjectNode) fixture.deepCopy();
        JsonNode objectMeta = object.path("metadata");
        String kind = object.path("kind").asString();
        ObjectNode meta = (ObjectNode) event.path("metadata");
        meta.put("name", objectMeta.path("name").asString() + "." + Long.toHexString(random.nextLong()))
                .put("uid", uuid())
                .put("namespace", objectMeta.path("namespace").asString())
                .put("resourceVersion", "70")
                .put("creationTimestamp", ts(at));
        meta.remove("selfLink");
        event.putObject("involvedObject")
                .put("apiVersion", object.path("apiVersion").asString("tekton.dev/v1"))
                .put("kind", kind)
                .put("name", objectMeta.path("name").asString())
                .put("namespace", objectMeta.path("namespace").asString())
                .put("uid", objectMeta.path("uid").asString());
        event.put("reason", reason)
                .put("message", message)
                .put("type", "Failed".equals(reason) ? "Warning" : "Normal")
                .put("firstTimestamp", ts(at))
                .put("lastTimestamp", ts(at));
        // kubectl shows Tekton's Events as coming from the kind's controller.
        event.putObject("source").put("component", kind);
        events.add(event);
        return event;
    }

    /**
     * The Jenkins X activity of the run: its labels are the run's, its stage is the (only) TaskRun
     * with the TaskRun's step times, and two promotions follow, one still without an end.
     */
    private void addActivity() {
        ObjectNode fixture = Observations.fixture("jx/pipelineactivity-lighthouse-postsubmit-succeeded.yaml");
        JsonNode runLabels = run.path("metadata").path("labels");
        ObjectNode meta = (ObjectNode) fixture.path("metadata");
        String org = runLabels.path(LIGHTHOUSE + "refs.org").asString();
        String repo = runLabels.path(LIGHTHOUSE + "refs.repo").asString();
        String branch = runLabels.path(LIGHTHOUSE + "branch").asString();
        String build = runLabels.path(LIGHTHOUSE + "buildNum").asString();
        Instant created = instant(run.path("metadata").path("creationTimestamp"));
        meta.put("name", (org + "-" + repo + "-" + branch + "-" + build).toLowerCase())
                .put("uid", uuid())
                .put("namespace", "jx")
                .put("resourceVersion", "60")
                .put("creationTimestamp", ts(created));
        ObjectNode labels = meta.withObject("labels");
        labels.removeAll();
        runLabels.properties().forEach(e -> {
            if (e.getKey().startsWith(LIGHTHOUSE) || e.getKey().equals("event-GUID")) {
                labels.put(e.getKey(), e.getValue().asString());
            }
        });
        ObjectNode spec = (ObjectNode) fixture.path("spec");
        Instant completed = instant(run.path("status").path("completionTime"));
        spec.put("startedTimestamp", ts(created)).put("completedTimestamp", ts(completed));
        spec.put("gitOwner", org).put("gitRepository", repo).put("build", build);
        spec.put("pipeline", org + "/" + repo + "/" + branch);
        ObjectNode taskRun = taskRuns.getFirst();
        ObjectNode stage = (ObjectNode) spec.path("steps").path(0).path("stage");
        stage.put("startedTimestamp", taskRun.path("status").path("startTime").asString());
        stage.put(
                "completedTimestamp",
                taskRun.path("status").path("completionTime").asString());
        Iterator<JsonNode> steps = taskRun.path("status").path("steps").iterator();
        for (JsonNode step : stage.path("steps")) {
            JsonNode terminated = steps.next().path("terminated");
            ((ObjectNode) step)
                    .put("startedTimestamp", terminated.path("startedAt").asString())
                    .put("completedTimestamp", terminated.path("finishedAt").asString());
        }
        ArrayNode all = (ArrayNode) spec.path("steps");
        JsonNode promotions = Fixtures.tree("jx/pipelineactivity-promote-steps-docs.yaml")
                .path("spec")
                .path("steps");
        int offset = 3;
        for (JsonNode step : promotions) {
            if (!"Promote".equals(step.path("kind").asString())) {
                continue;
            }
            ObjectNode promote = (ObjectNode) step.deepCopy();
            ObjectNode detail = (ObjectNode) promote.path("promote");
            Instant started = completed.minusSeconds(offset);
            detail.put("startedTimestamp", ts(started));
            ((ObjectNode) detail.path("pullRequest")).put("startedTimestamp", ts(started));
            if (offset == 3) {
                detail.put("completedTimestamp", ts(started.plusSeconds(1)));
            }
            offset--;
            all.add(promote);
        }
        activity = fixture;
    }

    /** The run while it was running: an older resourceVersion that must never win. */
    private void addRunningState() {
        ObjectNode running = run.deepCopy();
        ObjectNode meta = (ObjectNode) running.path("metadata");
        meta.put("resourceVersion", "1");
        ObjectNode status = (ObjectNode) running.path("status");
        status.remove("completionTime");
        ObjectNode condition = (ObjectNode) status.path("conditions").path(0);
        condition.put("status", "Unknown").put("reason", "Running").put("message", "Tasks Completed: 0");
        earlierStates.add(running);
    }

    /** Every CloudEvent of the scenario, each once, in causal order. */
    List<Delivery> deliveries() {
        List<Delivery> deliveries = new ArrayList<>();
        deliveries.add(new Delivery(
                Observations.gitHubRoutingKey(webhookKind),
                Observations.gitHubWebhook(guid, webhookKind, webhookPayload, webhookReceivedAt),
                "webhook " + webhookKind));
        for (ObjectNode earlier : earlierStates) {
            deliveries.add(resource(earlier, "earlier "));
        }
        deliveries.add(resource(job, ""));
        deliveries.add(resource(run, ""));
        taskRuns.forEach(t -> deliveries.add(resource(t, "")));
        pods.forEach(p -> deliveries.add(resource(p, "")));
        events.forEach(e -> deliveries.add(resource(e, "")));
        if (activity != null) {
            deliveries.add(resource(activity, ""));
        }
        return deliveries;
    }

    private static Delivery resource(ObjectNode object, String prefix) {
        // Observed at a fixed time after the object's own times: only a fallback would use it.
        OffsetDateTime observed = OffsetDateTime.parse("2030-01-01T00:00:00Z");
        return new Delivery(
                Observations.routingKey(object),
                Observations.message(ResourceEvents.Action.APPLIED, object, observed),
                prefix
                        + object.path("kind").asString() + " "
                        + object.path("metadata").path("name").asString());
    }

    static String runResult(JsonNode run) {
        JsonNode condition = run.path("status").path("conditions").path(0);
        if ("True".equals(condition.path("status").asString())) {
            return "success";
        }
        return switch (condition.path("reason").asString()) {
            case "Failed" -> "failure";
            case "PipelineRunTimeout", "TaskRunTimeout" -> "timeout";
            case "Cancelled", "TaskRunCancelled", "PipelineRunCancelled" -> "cancellation";
            default -> "error";
        };
    }

    /** The pipeline task of a TaskRun named {@code <run>-<task>-<random>} by Tekton. */
    private String pipelineTask(String taskRunName) {
        for (JsonNode child : run.path("status").path("childReferences")) {
            if (taskRunName.equals(child.path("name").asString()) && child.hasNonNull("pipelineTaskName")) {
                return child.path("pipelineTaskName").asString();
            }
        }
        String rest = taskRunName.startsWith(originalRunName + "-")
                ? taskRunName.substring(originalRunName.length() + 1)
                : taskRunName;
        return rest.substring(0, rest.lastIndexOf('-'));
    }

    private String uuid() {
        return new UUID(random.nextLong(), random.nextLong()).toString();
    }

    private String suffix() {
        return Long.toString(Math.abs(random.nextLong() % 1_000_000_000L), 36);
    }

    static Instant instant(JsonNode node) {
        return Instant.parse(node.asString());
    }

    static String ts(Instant instant) {
        return instant.toString();
    }
}
