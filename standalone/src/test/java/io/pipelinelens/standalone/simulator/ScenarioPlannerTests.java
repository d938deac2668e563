package io.pipelinelens.standalone.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import io.pipelinelens.standalone.simulator.ScenarioRun.Outcome;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class ScenarioPlannerTests {

    private static final Instant START = Instant.parse("2026-03-14T09:26:53.400Z");
    private final ScenarioPlanner planner = new ScenarioPlanner(ScenarioTemplates.load());

    /** Plays a run against an in-memory API server that, like the real one, assigns uid and creationTimestamp. */
    private static final class RecordingCluster implements ClusterWriter, WebhookTarget {
        final Map<String, Map<String, Object>> objects = new LinkedHashMap<>();
        final List<Map<String, Object>> writes = new ArrayList<>();
        final List<String> deliveries = new ArrayList<>();
        Instant now;

        @Override
        public String create(Map<String, Object> object) {
            Map<String, Object> stored = Tree.copy(object);
            String uid = UUID.randomUUID().toString();
            Tree.map(stored, "metadata").put("uid", uid);
            Tree.map(stored, "metadata").put("creationTimestamp", ScenarioPlanner.ts(now));
            objects.put(key(object), stored);
            writes.add(stored);
            return uid;
        }

        @Override
        public void update(Map<String, Object> object) {
            Map<String, Object> stored = objects.get(key(object));
            assertThat(stored)
                    .as("update of an object never created: %s", key(object))
                    .isNotNull();
            object.forEach((k, v) -> {
                if (!k.equals("metadata")) {
                    stored.put(k, v);
                }
            });
            writes.add(Tree.copy(stored));
        }

        @Override
        public void updateStatus(Map<String, Object> object) {
            Map<String, Object> stored = objects.get(key(object));
            assertThat(stored)
                    .as("status of an object never created: %s", key(object))
                    .isNotNull();
            stored.put("status", object.get("status"));
            writes.add(Tree.copy(stored));
        }

        @Override
        public void deliver(String deliveryGuid, String event, byte[] body) {
            deliveries.add(deliveryGuid + " " + event + " " + new String(body, StandardCharsets.UTF_8));
        }

        Map<String, Object> only(String kind) {
            List<Map<String, Object>> found = all(kind);
            assertThat(found).hasSize(1);
            return found.get(0);
        }

        List<Map<String, Object>> all(String kind) {
            return objects.values().stream()
                    .filter(o -> kind.equals(o.get("kind")))
                    .toList();
        }

        private static String key(Map<String, Object> object) {
            return object.get("kind") + "/" + Tree.string(object, "metadata", "name");
        }
    }

    private RecordingCluster play(ScenarioRun run) throws InterruptedException {
        RecordingCluster cluster = new RecordingCluster();
        // Instead of sleeping, the clock jumps to each beat: creationTimestamps are what the API server would stamp.
        new ScenarioPlayer(cluster, cluster, at -> cluster.now = at).play(run);
        return cluster;
    }

    @Test
    void linksEveryResourceToItsParentAsDesignSection3Says() throws InterruptedException {
        ScenarioRun run = planner.plan(START, 0, Outcome.SUCCESS, new Random(7));
        RecordingCluster cluster = play(run);

        assertThat(cluster.deliveries).singleElement().asString().startsWith(run.deliveryGuid() + " pull_request {");
        Map<String, Object> job = cluster.only("LighthouseJob");
        assertThat(Tree.string(job, "metadata", "labels", "event-GUID")).isEqualTo(run.deliveryGuid());

        Map<String, Object> pipelineRun = cluster.only("PipelineRun");
        Map<String, Object> prMeta = Tree.map(pipelineRun, "metadata");
        Map<String, Object> prOwner = Tree.list(prMeta, "ownerReferences").get(0);
        assertThat(prOwner)
                .containsEntry("kind", "LighthouseJob")
                .containsEntry("uid", Tree.string(job, "metadata", "uid"));
        assertThat(Tree.string(pipelineRun, "metadata", "labels", "lighthouse.jenkins-x.io/id"))
                .isEqualTo(Tree.string(job, "metadata", "name"));
        assertThat(Tree.string(pipelineRun, "metadata", "labels", "event-GUID")).isEqualTo(run.deliveryGuid());

        List<Map<String, Object>> taskRuns = cluster.all("TaskRun");
        assertThat(taskRuns).hasSize(2);
        List<String> childNames = Tree.list(Tree.map(pipelineRun, "status"), "childReferences").stream()
                .map(c -> (String) c.get("name"))
                .toList();
        assertThat(childNames)
                .containsExactlyElementsOf(taskRuns.stream()
                        .map(t -> Tree.string(t, "metadata", "name"))
                        .toList());
        for (Map<String, Object> taskRun : taskRuns) {
            Map<String, Object> owner =
                    Tree.list(Tree.map(taskRun, "metadata"), "ownerReferences").get(0);
            assertThat(owner)
                    .containsEntry("kind", "PipelineRun")
                    .containsEntry("uid", Tree.string(pipelineRun, "metadata", "uid"));
            assertThat(Tree.string(taskRun, "metadata", "labels", "tekton.dev/pipelineRun"))
                    .isEqualTo(Tree.string(pipelineRun, "metadata", "name"));

            Map<String, Object> pod = cluster.objects.get("Pod/" + Tree.string(taskRun, "status", "podName"));
            assertThat(pod).as("the TaskRun's pod").isNotNull();
            assertThat(Tree.string(pod, "metadata", "labels", "app.kubernetes.io/managed-by"))
                    .isEqualTo("tekton-pipelines");
            assertThat(Tree.string(pod, "metadata", "labels", "tekton.dev/taskRun"))
                    .isEqualTo(Tree.string(taskRun, "metadata", "name"));
            assertThat(Tree.list(Tree.map(pod, "metadata"), "ownerReferences").get(0))
                    .containsEntry("kind", "TaskRun")
                    .containsEntry("uid", Tree.string(taskRun, "metadata", "uid"));

            // The pod's step containers and the TaskRun's steps report the same terminations.
            List<Map<String, Object>> containers = Tree.list(Tree.map(pod, "status"), "containerStatuses");
            List<Map<String, Object>> steps = Tree.list(Tree.map(taskRun, "status"), "steps");
            assertThat(containers)
                    .isNotEmpty()
                    .allSatisfy(c -> assertThat((String) c.get("name")).startsWith("step-"));
            assertThat(steps.stream().map(s -> s.get("container")).toList())
                    .containsExactlyElementsOf(
                            containers.stream().map(c -> c.get("name")).toList());
            for (int i = 0; i < steps.size(); i++) {
                assertThat(Tree.map(Tree.map(containers.get(i), "state"), "terminated"))
                        .isEqualTo(Tree.map(steps.get(i), "terminated"));
            }

            List<Map<String, Object>> events = cluster.all("Event").stream()
                    .filter(e -> Tree.string(e, "involvedObject", "name").equals(Tree.string(pod, "metadata", "name")))
                    .toList();
            assertThat(events)
                    .allSatisfy(e -> assertThat(Tree.string(e, "involvedObject", "uid"))
                            .isEqualTo(Tree.string(pod, "metadata", "uid")));
            assertThat(events.stream()
                            .map(e -> (String) e.get("reason"))
                            .distinct()
                            .toList())
                    .containsExactly("Scheduled", "Pulling", "Pulled", "Created", "Started");
        }

        Map<String, Object> activity = cluster.only("PipelineActivity");
        assertThat(Tree.string(activity, "metadata", "labels", "event-GUID")).isEqualTo(run.deliveryGuid());
        assertThat(Tree.string(activity, "metadata", "name")).isEqualTo("codertocat-hello-world-pr-2-1");
        assertThat(Tree.string(activity, "spec", "status")).isEqualTo("Succeeded");
    }

    @Test
    void ordersEveryTimestampAsTheControllersWriteThem() throws InterruptedException {
        for (Outcome outcome : Outcome.values()) {
            ScenarioRun run = planner.plan(START, 3, outcome, new Random(11));
            RecordingCluster cluster = play(run);
            Map<String, Object> pipelineRun = cluster.only("PipelineRun");
            Instant prCreated = time(pipelineRun, "metadata", "creationTimestamp");
            Instant prStarted = time(pipelineRun, "status", "startTime");
            Instant prCompleted = time(pipelineRun, "status", "completionTime");
            assertThat(prCreated).isBefore(prStarted);
            assertThat(prStarted).isBefore(prCompleted);
            assertThat(time(cluster.only("LighthouseJob"), "metadata", "creationTimestamp"))
                    .isBeforeOrEqualTo(prCreated);

            for (Map<String, Object> taskRun : cluster.all("TaskRun")) {
                Instant created = time(taskRun, "metadata", "creationTimestamp");
                Instant started = time(taskRun, "status", "startTime");
                Instant completed = time(taskRun, "status", "completionTime");
                assertThat(created).isAfterOrEqualTo(prStarted).isBefore(started);
                assertThat(completed).isBefore(prCompleted.plusSeconds(1));
                Instant previous = started;
                for (Map<String, Object> step : Tree.list(Tree.map(taskRun, "status"), "steps")) {
                    Instant stepStart = Instant.parse(Tree.string(step, "terminated", "startedAt"));
                    Instant stepEnd = Instant.parse(Tree.string(step, "terminated", "finishedAt"));
                    assertThat(stepStart).isAfter(started).isAfterOrEqualTo(previous);
                    assertThat(stepEnd).isAfterOrEqualTo(stepStart).isBefore(completed);
                    previous = stepEnd;
                }
            }
        }
    }

    @Test
    void failsAStepWithTheFixturesExitCodeWhenTheRunFails() throws InterruptedException {
        ScenarioRun run = planner.plan(START, 1, Outcome.FAILURE, new Random(3));
        RecordingCluster cluster = play(run);

        Map<String, Object> condition = Tree.list(Tree.map(cluster.only("PipelineRun"), "status"), "conditions")
                .get(0);
        assertThat(condition)
                .containsEntry("type", "Succeeded")
                .containsEntry("status", "False")
                .containsEntry("reason", "Failed");
        Map<String, Object> failedTask = cluster.all("TaskRun").stream()
                .filter(t -> "False"
                        .equals(Tree.list(Tree.map(t, "status"), "conditions")
                                .get(0)
                                .get("status")))
                .findFirst()
                .orElseThrow();
        assertThat(Tree.list(Tree.map(failedTask, "status"), "steps"))
                .anySatisfy(s ->
                        assertThat(Tree.string(s, "terminated", "exitCode")).isEqualTo("2"));
        assertThat(Tree.string(
                        cluster.objects.get("Pod/" + Tree.string(failedTask, "status", "podName")), "status", "phase"))
                .isEqualTo("Failed");
        assertThat(Tree.string(cluster.only("LighthouseJob"), "status", "state"))
                .isEqualTo("failure");
    }

    @Test
    void givesEveryRunFreshNamesAndDeliveryIds() {
        Random random = new Random(5);
        ScenarioRun first = planner.plan(START, 0, Outcome.SUCCESS, random);
        ScenarioRun second = planner.plan(START.plusSeconds(15), 1, Outcome.SUCCESS, random);
        assertThat(second.deliveryGuid()).isNotEqualTo(first.deliveryGuid());
        assertThat(second.pipelineRunName()).isNotEqualTo(first.pipelineRunName());
        assertThat(names(second)).doesNotContainAnyElementsOf(names(first));
    }

    private static List<String> names(ScenarioRun run) {
        return run.beats().stream()
                .filter(b -> b.action() == Beat.Action.CREATE)
                .map(Beat::name)
                .toList();
    }

    private static Instant time(Map<String, Object> object, String... path) {
        String value = Tree.string(object, path);
        assertThat(value).as(String.join(".", path)).isNotNull();
        return Instant.parse(value);
    }
}
