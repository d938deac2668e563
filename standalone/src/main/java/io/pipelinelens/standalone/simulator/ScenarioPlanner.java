package io.pipelinelens.standalone.simulator;

import io.pipelinelens.standalone.simulator.Beat.Action;
import io.pipelinelens.standalone.simulator.ScenarioRun.Outcome;
import io.pipelinelens.standalone.simulator.ScenarioTemplates.StepTemplate;
import io.pipelinelens.standalone.simulator.ScenarioTemplates.TaskTemplate;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.UUID;
import java.util.random.RandomGenerator;
import tools.jackson.databind.json.JsonMapper;

/**
 * Plans one presubmit run the way Jenkins X plays it: a GitHub pull_request webhook → Lighthouse
 * creates a LighthouseJob (label {@code event-GUID}) → the Lighthouse Tekton controller creates a
 * PipelineRun owned by it → Tekton creates a TaskRun per pipeline task, each with a pod whose
 * {@code step-*} containers run in turn, the kubelet reporting Scheduled / Pulling / Pulled /
 * Created / Started events → Jenkins X keeps a PipelineActivity. Times are whole seconds, because
 * the API serves seconds: every resource's creationTimestamp &lt; startTime &lt; step times &lt;
 * completionTime.
 */
public final class ScenarioPlanner {

    public static final String NAMESPACE = "jx";
    private static final String JOB = "pr-build";
    private static final String NODE = "gke-jx-standalone-default-pool-7f3c2a1b-x9k2";
    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final DateTimeFormatter MICROS =
            DateTimeFormatter.ofPattern("yyyy-MM-dd'T'HH:mm:ss.SSSSSS'Z'").withZone(java.time.ZoneOffset.UTC);

    private final ScenarioTemplates templates;

    public ScenarioPlanner(ScenarioTemplates templates) {
        this.templates = templates;
    }

    /** Plans run {@code number}, its first beat at {@code start} (rounded up to a whole second). */
    public ScenarioRun plan(Instant start, long number, Outcome outcome, RandomGenerator random) {
        return new Planning(start, number, outcome, random).plan();
    }

    private final class Planning {

        private final long number;
        private final Outcome outcome;
        private final RandomGenerator random;
        private final List<Beat> beats = new ArrayList<>();
        private Instant t;

        private final String guid;
        private final String org;
        private final String repo;
        private final String cloneUrl;
        private final int pull;
        private final String branch;
        private final String headSha;
        private final String baseSha;
        private final String author;
        private final String buildNum;
        private final String lhJobName;
        private final String pipelineRunName;
        private final String activityName;

        Planning(Instant start, long number, Outcome outcome, RandomGenerator random) {
            this.number = number;
            this.outcome = outcome;
            this.random = random;
            this.t = start.truncatedTo(ChronoUnit.SECONDS).plusSeconds(start.getNano() == 0 ? 0 : 1);
            Map<String, Object> payload = templates.pullRequestWebhook();
            this.guid = uuid().toString();
            this.org = Tree.string(payload, "repository", "owner", "login");
            this.repo = Tree.string(payload, "repository", "name");
            this.cloneUrl = Tree.string(payload, "repository", "clone_url");
            this.pull = Integer.parseInt(Tree.string(payload, "number")) + (int) (number % 5);
            this.branch = "PR-" + pull;
            this.headSha = hex(20);
            this.baseSha = Tree.string(payload, "pull_request", "base", "sha");
            this.author = Tree.string(payload, "pull_request", "user", "login");
            this.buildNum = Long.toString(this.t.toEpochMilli() + number);
            this.lhJobName = uuid().toString();
            this.pipelineRunName = dns(org + "-" + repo + "-pr-" + pull + "-" + JOB + "-" + suffix());
            this.activityName = dns(org + "-" + repo + "-" + branch + "-" + (number + 1));
        }

        ScenarioRun plan() {
            byte[] body = webhookBody();
            beats.add(new Beat(t, Action.WEBHOOK, "webhook", null));
            beats.add(new Beat(t, Action.CREATE, "lighthousejob", lighthouseJob()));
            tick(1);
            beats.add(new Beat(t, Action.UPDATE_STATUS, "lighthousejob", lighthouseJobStatus("pending", null)));
            beats.add(new Beat(t, Action.CREATE, "pipelinerun", pipelineRun()));
            Instant runCreated = t;
            tick(1);
            Instant runStarted = t;
            beats.add(new Beat(t, Action.CREATE, "pipelineactivity", activity("Running", runStarted, null)));
            beats.add(new Beat(t, Action.UPDATE_STATUS, "lighthousejob", lighthouseJobStatus("running", null)));

            List<String> childNames = new ArrayList<>();
            boolean failed = false;
            int failingTask = outcome == Outcome.FAILURE
                    ? random.nextInt(templates.tasks().size())
                    : -1;
            int index = 0;
            for (TaskTemplate task : templates.tasks()) {
                String taskRunName = dns(pipelineRunName + "-" + task.pipelineTask() + "-" + suffix());
                childNames.add(taskRunName);
                beats.add(new Beat(
                        t,
                        Action.UPDATE_STATUS,
                        "pipelinerun",
                        pipelineRunStatus(runStarted, null, childNames, index, false)));
                boolean taskFails = index == failingTask;
                playTask(task, taskRunName, taskFails);
                index++;
                if (taskFails) {
                    failed = true;
                    break;
                }
            }
            tick(1);
            Instant completed = t;
            beats.add(new Beat(
                    t,
                    Action.UPDATE_STATUS,
                    "pipelinerun",
                    pipelineRunStatus(runStarted, completed, childNames, index, failed)));
            beats.add(new Beat(
                    t, Action.UPDATE_STATUS, "lighthousejob", lighthouseJobStatus(failed ? "failure" : "success", t)));
            beats.add(new Beat(
                    t,
                    Action.UPDATE,
                    "pipelineactivity",
                    activity(failed ? "Failed" : "Succeeded", runStarted, completed)));
            assert !runCreated.isAfter(runStarted);
            return new ScenarioRun(number, guid, "pull_request", body, outcome, pipelineRunName, List.copyOf(beats));
        }

        private void playTask(TaskTemplate task, String taskRunName, boolean fails) {
            String key = "taskrun:" + task.pipelineTask();
            String podKey = "pod:" + task.pipelineTask();
            String podName = dns(taskRunName + "-pod");
            beats.add(new Beat(t, Action.CREATE, key, taskRun(task, taskRunName)));
            tick(1);
            Instant taskStarted = t;
            beats.add(new Beat(
                    t,
                    Action.UPDATE_STATUS,
                    key,
                    taskRunStatus(taskRunName, podName, taskStarted, null, "Unknown", "Pending", null, List.of())));
            beats.add(new Beat(t, Action.CREATE, podKey, pod(task, taskRunName, podName)));
            beats.add(new Beat(t, Action.CREATE, "event:" + podName + ":scheduled", scheduledEvent(podName, podKey)));
            Instant podStarted = t;
            tick(1);
            Map<String, Instant> pulled = new LinkedHashMap<>();
            for (StepTemplate step : task.steps()) {
                if (!pulled.containsKey(step.image())) {
                    pulled.put(step.image(), t);
                }
            }
            for (String image : pulled.keySet()) {
                beats.add(kubeletEvent(
                        podName, podKey, "Pulling", firstStep(task, image), "Pulling image \"" + image + "\""));
            }
            tick(1);
            for (String image : pulled.keySet()) {
                beats.add(kubeletEvent(
                        podName,
                        podKey,
                        "Pulled",
                        firstStep(task, image),
                        "Successfully pulled image \"" + image + "\""));
            }
            for (StepTemplate step : task.steps()) {
                beats.add(
                        kubeletEvent(podName, podKey, "Created", step.name(), "Created container step-" + step.name()));
                beats.add(
                        kubeletEvent(podName, podKey, "Started", step.name(), "Started container step-" + step.name()));
            }
            Instant containersStarted = t;
            beats.add(new Beat(
                    t,
                    Action.UPDATE,
                    podKey,
                    podStatus(task, podName, "Running", podStarted, containersStarted, List.of())));
            beats.add(new Beat(
                    t,
                    Action.UPDATE_STATUS,
                    key,
                    taskRunStatus(
                            taskRunName,
                            podName,
                            taskStarted,
                            null,
                            "Unknown",
                            "Running",
                            "Not all Steps in the Task have finished executing",
                            List.of())));
            int failingStep = fails ? random.nextInt(task.steps().size()) : -1;
            List<StepResult> results = new ArrayList<>();
            tick(1);
            for (int i = 0; i < task.steps().size(); i++) {
                StepTemplate step = task.steps().get(i);
                Instant stepStart = t;
                if (failingStep >= 0 && i > failingStep) {
                    // Tekton does not run the steps after a failed one.
                    results.add(new StepResult(step, stepStart, stepStart, 1, "Skipped", "containerd://" + hex(32)));
                    continue;
                }
                tick(1 + random.nextInt(2));
                int exitCode = i == failingStep ? templates.failureExitCode() : 0;
                results.add(new StepResult(
                        step,
                        stepStart,
                        t,
                        exitCode,
                        exitCode == 0 ? "Completed" : "Error",
                        "containerd://" + hex(32)));
                beats.add(new Beat(
                        t,
                        Action.UPDATE,
                        podKey,
                        podStatus(task, podName, "Running", podStarted, containersStarted, List.copyOf(results))));
            }
            Instant lastFinished = t;
            tick(1);
            Instant taskCompleted = t;
            String podPhase = fails ? "Failed" : "Succeeded";
            beats.add(new Beat(
                    lastFinished,
                    Action.UPDATE,
                    podKey,
                    podStatus(task, podName, podPhase, podStarted, containersStarted, List.copyOf(results))));
            String message = "All Steps have completed executing";
            if (fails) {
                StepResult failed = results.get(failingStep);
                message =
                        "\"step-%s\" exited with code %d (image: \"%s\"); for logs run: kubectl -n %s logs %s -c step-%s"
                                .formatted(
                                        failed.step().name(),
                                        failed.exitCode(),
                                        failed.step().image(),
                                        NAMESPACE,
                                        podName,
                                        failed.step().name());
            }
            beats.add(new Beat(
                    taskCompleted,
                    Action.UPDATE_STATUS,
                    key,
                    taskRunStatus(
                            taskRunName,
                            podName,
                            taskStarted,
                            taskCompleted,
                            fails ? "False" : "True",
                            fails ? "Failed" : "Succeeded",
                            message,
                            List.copyOf(results))));
        }

        private String firstStep(TaskTemplate task, String image) {
            return task.steps().stream()
                    .filter(s -> s.image().equals(image))
                    .findFirst()
                    .orElseThrow()
                    .name();
        }

        // ----- the objects -----

        private byte[] webhookBody() {
            Map<String, Object> payload = Tree.copy(templates.pullRequestWebhook());
            payload.put("number", pull);
            Map<String, Object> pr = Tree.map(payload, "pull_request");
            pr.put("number", pull);
            Tree.map(pr, "head").put("sha", headSha);
            Tree.map(pr, "head").put("ref", "feature-" + pull);
            return JSON.writeValueAsString(payload).getBytes(StandardCharsets.UTF_8);
        }

        private Map<String, String> lighthouseLabels(boolean withShas) {
            Map<String, String> labels = new LinkedHashMap<>();
            labels.put("created-by-lighthouse", "true");
            labels.put("event-GUID", guid);
            labels.put("lighthouse.jenkins-x.io/branch", branch);
            labels.put("lighthouse.jenkins-x.io/buildNum", buildNum);
            labels.put("lighthouse.jenkins-x.io/context", JOB);
            labels.put("lighthouse.jenkins-x.io/job", JOB);
            labels.put("lighthouse.jenkins-x.io/refs.org", org);
            labels.put("lighthouse.jenkins-x.io/refs.pull", Integer.toString(pull));
            labels.put("lighthouse.jenkins-x.io/refs.repo", repo);
            labels.put("lighthouse.jenkins-x.io/type", "presubmit");
            if (withShas) {
                labels.put("lighthouse.jenkins-x.io/baseSHA", baseSha);
                labels.put("lighthouse.jenkins-x.io/lastCommitSHA", headSha);
            }
            return labels;
        }

        private Map<String, Object> lighthouseJob() {
            Map<String, Object> job = Tree.copy(templates.lighthouseJob());
            job.remove("status");
            Map<String, Object> metadata = Tree.map(job, "metadata");
            metadata.remove("resourceVersion");
            metadata.put("name", lhJobName);
            metadata.put("namespace", NAMESPACE);
            metadata.put("labels", lighthouseLabels(false));
            metadata.put(
                    "annotations",
                    Tree.of(
                            "lighthouse.jenkins-x.io/job", JOB,
                            "lighthouse.jenkins-x.io/cloneURI", cloneUrl,
                            "lighthouse.jenkins-x.io/activityName", activityName));
            Map<String, Object> spec = Tree.map(job, "spec");
            spec.put("context", JOB);
            spec.put("job", JOB);
            spec.put("namespace", NAMESPACE);
            spec.put("rerun_command", "/test " + JOB);
            Map<String, Object> refs = Tree.map(spec, "refs");
            refs.put("org", org);
            refs.put("repo", repo);
            refs.put("repo_link", "https://github.com/" + org + "/" + repo);
            refs.put("clone_uri", cloneUrl);
            refs.put("base_sha", baseSha);
            refs.put("base_link", "https://github.com/" + org + "/" + repo + "/commit/" + baseSha);
            refs.put(
                    "pulls",
                    List.of(Tree.of(
                            "number",
                            pull,
                            "author",
                            author,
                            "sha",
                            headSha,
                            "link",
                            "https://github.com/" + org + "/" + repo + "/pull/" + pull + ".diff",
                            "commit_link",
                            "https://github.com/" + org + "/" + repo + "/pull/" + pull + "/commits/" + headSha,
                            "author_link",
                            "https://github.com/" + author)));
            return job;
        }

        private Map<String, Object> lighthouseJobStatus(String state, Instant completion) {
            Map<String, Object> status =
                    Tree.of("state", state, "startTime", ts(beats.get(0).at().plusSeconds(1)));
            if (!state.equals("pending")) {
                status.put("activity", Tree.of("name", activityName, "jobId", lhJobName, "buildId", buildNum));
            }
            if (completion != null) {
                status.put("completionTime", ts(completion));
            }
            return named("lighthouse.jenkins.io/v1alpha1", "LighthouseJob", lhJobName, "status", status);
        }

        private Map<String, Object> pipelineRun() {
            Map<String, Object> run = Tree.copy(templates.pipelineRun());
            run.put("apiVersion", "tekton.dev/v1");
            run.put("kind", "PipelineRun");
            run.remove("status");
            Map<String, Object> metadata = Tree.map(run, "metadata");
            metadata.remove("resourceVersion");
            metadata.remove("generateName");
            metadata.put("name", pipelineRunName);
            metadata.put("namespace", NAMESPACE);
            Map<String, String> labels = lighthouseLabels(true);
            labels.put("lighthouse.jenkins-x.io/id", lhJobName);
            metadata.put("labels", labels);
            metadata.put(
                    "annotations",
                    Tree.of("lighthouse.jenkins-x.io/job", JOB, "lighthouse.jenkins-x.io/cloneURI", cloneUrl));
            metadata.put(
                    "ownerReferences",
                    List.of(Tree.of(
                            "apiVersion",
                            "lighthouse.jenkins.io/v1alpha1",
                            "kind",
                            "LighthouseJob",
                            "name",
                            lhJobName,
                            "uid",
                            "{{uid:lighthousejob}}",
                            "controller",
                            true,
                            "blockOwnerDeletion",
                            true)));
            Map<String, String> params = new LinkedHashMap<>();
            params.put("BUILD_ID", buildNum);
            params.put("JOB_NAME", JOB);
            params.put("JOB_SPEC", "type:presubmit");
            params.put("JOB_TYPE", "presubmit");
            params.put("PULL_BASE_REF", "master");
            params.put("PULL_BASE_SHA", baseSha);
            params.put("PULL_NUMBER", Integer.toString(pull));
            params.put("PULL_PULL_SHA", headSha);
            params.put("PULL_REFS", "master:" + baseSha + "," + pull + ":" + headSha);
            params.put("REPO_NAME", repo);
            params.put("REPO_OWNER", org);
            params.put("REPO_URL", cloneUrl);
            List<Map<String, Object>> paramList = new ArrayList<>();
            params.forEach((k, v) -> paramList.add(Tree.of("name", k, "value", v)));
            Map<String, Object> spec = Tree.map(run, "spec");
            spec.put("params", paramList);
            spec.put("pipelineRef", Tree.of("apiVersion", "tekton.dev/v1", "name", JOB));
            return run;
        }

        private Map<String, Object> pipelineRunStatus(
                Instant started, Instant completed, List<String> children, int tasksDone, boolean failed) {
            List<Map<String, Object>> refs = new ArrayList<>();
            for (int i = 0; i < children.size(); i++) {
                refs.add(Tree.of(
                        "apiVersion",
                        "tekton.dev/v1",
                        "kind",
                        "TaskRun",
                        "name",
                        children.get(i),
                        "pipelineTaskName",
                        templates.tasks().get(i).pipelineTask()));
            }
            int total = templates.tasks().size();
            Map<String, Object> condition;
            if (completed == null) {
                condition = condition(
                        "Unknown",
                        "Running",
                        "Tasks Completed: %d (Failed: 0, Cancelled 0), Incomplete: %d, Skipped: 0"
                                .formatted(tasksDone, total - tasksDone),
                        started);
            } else if (failed) {
                condition = condition(
                        "False",
                        "Failed",
                        "Tasks Completed: %d (Failed: 1, Cancelled 0), Skipped: %d"
                                .formatted(tasksDone, total - tasksDone),
                        completed);
            } else {
                condition = condition(
                        "True",
                        "Succeeded",
                        "Tasks Completed: %d (Failed: 0, Cancelled 0), Skipped: 0".formatted(total),
                        completed);
            }
            Map<String, Object> status = Tree.of("startTime", ts(started), "conditions", List.of(condition));
            status.put("childReferences", refs);
            if (completed != null) {
                status.put("completionTime", ts(completed));
            }
            return named("tekton.dev/v1", "PipelineRun", pipelineRunName, "status", status);
        }

        private Map<String, Object> taskRun(TaskTemplate task, String name) {
            Map<String, String> labels = new LinkedHashMap<>(lighthouseLabels(true));
            labels.put("lighthouse.jenkins-x.io/id", lhJobName);
            labels.put("app.kubernetes.io/managed-by", "tekton-pipelines");
            labels.put("tekton.dev/pipeline", JOB);
            labels.put("tekton.dev/pipelineRun", pipelineRunName);
            labels.put("tekton.dev/pipelineRunUID", "{{uid:pipelinerun}}");
            labels.put("tekton.dev/pipelineTask", task.pipelineTask());
            labels.put("tekton.dev/memberOf", "tasks");
            List<Map<String, Object>> steps = new ArrayList<>();
            for (StepTemplate step : task.steps()) {
                steps.add(Tree.of("name", step.name(), "image", step.image()));
            }
            Map<String, Object> metadata = Tree.of("name", name, "namespace", NAMESPACE, "labels", labels);
            metadata.put(
                    "ownerReferences",
                    List.of(Tree.of(
                            "apiVersion",
                            "tekton.dev/v1",
                            "kind",
                            "PipelineRun",
                            "name",
                            pipelineRunName,
                            "uid",
                            "{{uid:pipelinerun}}",
                            "controller",
                            true,
                            "blockOwnerDeletion",
                            true)));
            return Tree.of(
                    "apiVersion",
                    "tekton.dev/v1",
                    "kind",
                    "TaskRun",
                    "metadata",
                    metadata,
                    "spec",
                    Tree.of(
                            "serviceAccountName",
                            "tekton-bot",
                            "taskSpec",
                            Tree.of("steps", steps),
                            "timeout",
                            "1h0m0s"));
        }

        private Map<String, Object> taskRunStatus(
                String name,
                String podName,
                Instant started,
                Instant completed,
                String conditionStatus,
                String reason,
                String message,
                List<StepResult> results) {
            List<Map<String, Object>> steps = new ArrayList<>();
            for (StepResult result : results) {
                Map<String, Object> step = Tree.of(
                        "container",
                        "step-" + result.step().name(),
                        "name",
                        result.step().name(),
                        "imageID",
                        "docker-pullable://" + result.step().image(),
                        "terminated",
                        terminated(result));
                if (result.reason().equals("Skipped")) {
                    step.put("terminationReason", "Skipped");
                }
                steps.add(step);
            }
            Map<String, Object> status = Tree.of(
                    "podName",
                    podName,
                    "startTime",
                    ts(started),
                    "conditions",
                    List.of(condition(conditionStatus, reason, message, completed == null ? started : completed)));
            if (!steps.isEmpty()) {
                status.put("steps", steps);
            }
            if (completed != null) {
                status.put("completionTime", ts(completed));
            }
            return named("tekton.dev/v1", "TaskRun", name, "status", status);
        }

        private Map<String, Object> pod(TaskTemplate task, String taskRunName, String podName) {
            Map<String, Object> template = templates.pod();
            Map<String, String> labels = new LinkedHashMap<>(lighthouseLabels(true));
            labels.put("app.kubernetes.io/managed-by", "tekton-pipelines");
            labels.put("tekton.dev/pipeline", JOB);
            labels.put("tekton.dev/pipelineRun", pipelineRunName);
            labels.put("tekton.dev/pipelineRunUID", "{{uid:pipelinerun}}");
            labels.put("tekton.dev/pipelineTask", task.pipelineTask());
            labels.put("tekton.dev/taskRun", taskRunName);
            labels.put("tekton.dev/taskRunUID", "{{uid:taskrun:" + task.pipelineTask() + "}}");
            Map<String, Object> metadata = Tree.of(
                    "name",
                    podName,
                    "namespace",
                    NAMESPACE,
                    "labels",
                    labels,
                    "annotations",
                    Tree.of("tekton.dev/ready", "READY"));
            metadata.put(
                    "ownerReferences",
                    List.of(Tree.of(
                            "apiVersion",
                            "tekton.dev/v1",
                            "kind",
                            "TaskRun",
                            "name",
                            taskRunName,
                            "uid",
                            "{{uid:taskrun:" + task.pipelineTask() + "}}",
                            "controller",
                            true,
                            "blockOwnerDeletion",
                            true)));
            List<Map<String, Object>> containers = new ArrayList<>();
            for (StepTemplate step : task.steps()) {
                containers.add(Tree.of(
                        "name",
                        "step-" + step.name(),
                        "image",
                        step.image(),
                        "command",
                        List.of("/tekton/bin/entrypoint")));
            }
            Map<String, Object> spec = Tree.of("containers", containers);
            for (String field : List.of("restartPolicy", "schedulerName", "serviceAccountName", "dnsPolicy")) {
                Object value = Tree.map(template, "spec").get(field);
                if (value != null) {
                    spec.put(field, value);
                }
            }
            spec.put("nodeName", NODE);
            return Tree.of(
                    "apiVersion",
                    "v1",
                    "kind",
                    "Pod",
                    "metadata",
                    metadata,
                    "spec",
                    spec,
                    "status",
                    Tree.of("phase", "Pending", "qosClass", "BestEffort"));
        }

        private Map<String, Object> podStatus(
                TaskTemplate task,
                String podName,
                String phase,
                Instant podStarted,
                Instant containersStarted,
                List<StepResult> results) {
            List<Map<String, Object>> statuses = new ArrayList<>();
            for (StepTemplate step : task.steps()) {
                StepResult result = results.stream()
                        .filter(r -> r.step().equals(step))
                        .findFirst()
                        .orElse(null);
                Map<String, Object> state = result == null
                        ? Tree.of("running", Tree.of("startedAt", ts(containersStarted)))
                        : Tree.of("terminated", terminated(result));
                statuses.add(Tree.of(
                        "name",
                        "step-" + step.name(),
                        "image",
                        step.image(),
                        "imageID",
                        "docker-pullable://" + step.image(),
                        "ready",
                        result == null,
                        "restartCount",
                        0,
                        "started",
                        result == null,
                        "state",
                        state));
            }
            Map<String, Object> status = Tree.of(
                    "phase",
                    phase,
                    "hostIP",
                    "10.132.0.17",
                    "podIP",
                    "10.4.1." + (10 + random.nextInt(200)),
                    "qosClass",
                    "BestEffort",
                    "startTime",
                    ts(podStarted),
                    "containerStatuses",
                    statuses);
            status.put(
                    "conditions",
                    List.of(
                            Tree.of("type", "PodScheduled", "status", "True", "lastTransitionTime", ts(podStarted)),
                            Tree.of(
                                    "type",
                                    "Ready",
                                    "status",
                                    phase.equals("Running") ? "True" : "False",
                                    "lastTransitionTime",
                                    ts(containersStarted))));
            return named("v1", "Pod", podName, "status", status);
        }

        private Map<String, Object> scheduledEvent(String podName, String podKey) {
            Map<String, Object> event = eventFrom("Scheduled", podName, podKey, null);
            event.put("eventTime", MICROS.format(t.plusMillis(random.nextInt(900))));
            event.put("firstTimestamp", null);
            event.put("lastTimestamp", null);
            event.put("message", "Successfully assigned " + NAMESPACE + "/" + podName + " to " + NODE);
            return event;
        }

        private Beat kubeletEvent(String podName, String podKey, String reason, String step, String message) {
            Map<String, Object> event = eventFrom(reason, podName, podKey, "spec.containers{step-" + step + "}");
            event.put("firstTimestamp", ts(t));
            event.put("lastTimestamp", ts(t));
            event.put("count", 1);
            event.put("eventTime", null);
            event.put("message", message);
            event.put("source", Tree.of("component", "kubelet", "host", NODE));
            event.put("reportingComponent", "kubelet");
            event.put("reportingInstance", NODE);
            return new Beat(t, Action.CREATE, "event:" + podName + ":" + reason + ":" + step, event);
        }

        private Map<String, Object> eventFrom(String reason, String podName, String podKey, String fieldPath) {
            Map<String, Object> event = Tree.copy(templates.eventsByReason().getOrDefault(reason, Map.of()));
            event.put("apiVersion", "v1");
            event.put("kind", "Event");
            event.put("reason", reason);
            event.put("type", "Normal");
            event.put("metadata", Tree.of("name", podName + "." + hex(8), "namespace", NAMESPACE));
            Map<String, Object> involved = Tree.of(
                    "apiVersion",
                    "v1",
                    "kind",
                    "Pod",
                    "name",
                    podName,
                    "namespace",
                    NAMESPACE,
                    "uid",
                    "{{uid:" + podKey + "}}");
            if (fieldPath != null) {
                involved.put("fieldPath", fieldPath);
            }
            event.put("involvedObject", involved);
            return event;
        }

        private Map<String, Object> activity(String status, Instant started, Instant completed) {
            Map<String, Object> activity = Tree.copy(templates.pipelineActivity());
            Map<String, Object> metadata = Tree.map(activity, "metadata");
            metadata.remove("creationTimestamp");
            metadata.put("name", activityName);
            metadata.put("namespace", NAMESPACE);
            Map<String, String> labels = lighthouseLabels(true);
            labels.put("lighthouse.jenkins-x.io/id", lhJobName);
            labels.put("build", Long.toString(number + 1));
            labels.put("tekton.dev/pipeline", JOB);
            metadata.put("labels", labels);
            metadata.put(
                    "annotations",
                    Tree.of("lighthouse.jenkins-x.io/job", JOB, "lighthouse.jenkins-x.io/cloneURI", cloneUrl));
            Map<String, Object> spec = Tree.map(activity, "spec");
            spec.put("baseSHA", baseSha);
            spec.put("lastCommitSHA", headSha);
            spec.put("build", Long.toString(number + 1));
            spec.put("context", JOB);
            spec.put("gitBranch", branch);
            spec.put("gitOwner", org);
            spec.put("gitRepository", repo);
            spec.put("gitUrl", cloneUrl);
            spec.put("pipeline", org + "/" + repo + "/" + branch);
            spec.put("status", status);
            spec.put("startedTimestamp", ts(started));
            List<Map<String, Object>> stages = new ArrayList<>();
            for (TaskTemplate task : templates.tasks()) {
                List<Map<String, Object>> steps = new ArrayList<>();
                for (StepTemplate step : task.steps()) {
                    steps.add(Tree.of(
                            "name", humanize(step.name()), "status", status.equals("Running") ? "Pending" : status));
                }
                stages.add(Tree.of(
                        "kind",
                        "Stage",
                        "stage",
                        Tree.of("name", humanize(task.pipelineTask()), "status", status, "steps", steps)));
            }
            spec.put("steps", stages);
            if (completed != null) {
                spec.put("completedTimestamp", ts(completed));
                spec.put(
                        "message",
                        status.equals("Succeeded")
                                ? "Tasks Completed: %d (Failed: 0, Cancelled 0), Skipped: 0"
                                        .formatted(templates.tasks().size())
                                : "Tasks Completed: (Failed: 1, Cancelled 0)");
            } else {
                spec.remove("message");
            }
            activity.put("status", Map.of());
            return activity;
        }

        // ----- helpers -----

        private Map<String, Object> named(String apiVersion, String kind, String name, String field, Object value) {
            return Tree.of(
                    "apiVersion",
                    apiVersion,
                    "kind",
                    kind,
                    "metadata",
                    Tree.of("name", name, "namespace", NAMESPACE),
                    field,
                    value);
        }

        private Map<String, Object> condition(String status, String reason, String message, Instant at) {
            Map<String, Object> condition =
                    Tree.of("type", "Succeeded", "status", status, "reason", reason, "lastTransitionTime", ts(at));
            if (message != null) {
                condition.put("message", message);
            }
            return condition;
        }

        private Map<String, Object> terminated(StepResult result) {
            return Tree.of(
                    "containerID", result.containerId(),
                    "exitCode", result.exitCode(),
                    "reason", result.reason().equals("Skipped") ? "Error" : result.reason(),
                    "startedAt", ts(result.started()),
                    "finishedAt", ts(result.finished()));
        }

        private void tick(int seconds) {
            t = t.plusSeconds(seconds);
        }

        private UUID uuid() {
            return new UUID(random.nextLong(), random.nextLong());
        }

        private String suffix() {
            String alphabet = "bcdfghjklmnpqrstvwxz2456789";
            StringBuilder s = new StringBuilder();
            for (int i = 0; i < 5; i++) {
                s.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
            return s.toString();
        }

        private String hex(int bytes) {
            byte[] b = new byte[bytes];
            random.nextBytes(b);
            return HexFormat.of().formatHex(b);
        }
    }

    /** A step's outcome; a skipped step never ran (it starts and finishes when its predecessor failed). */
    record StepResult(
            StepTemplate step, Instant started, Instant finished, int exitCode, String reason, String containerId) {}

    static String ts(Instant instant) {
        return DateTimeFormatter.ISO_INSTANT.format(instant.truncatedTo(ChronoUnit.SECONDS));
    }

    static String dns(String name) {
        String n = name.toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9-]", "-");
        return n.length() <= 63 ? n : n.substring(n.length() - 63).replaceFirst("^-+", "");
    }

    static String humanize(String name) {
        StringBuilder s = new StringBuilder();
        for (String word : name.split("-")) {
            if (!word.isEmpty()) {
                s.append(s.isEmpty() ? "" : " ")
                        .append(Character.toUpperCase(word.charAt(0)))
                        .append(word.substring(1));
            }
        }
        return s.toString();
    }
}
