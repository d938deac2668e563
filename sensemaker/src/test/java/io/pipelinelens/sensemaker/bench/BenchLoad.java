package io.pipelinelens.sensemaker.bench;

import io.pipelinelens.contracts.ResourceEvents;
import io.pipelinelens.sensemaker.Observations;
import io.pipelinelens.testing.Fixtures;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.regex.Pattern;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.databind.node.StringNode;

/**
 * The benchmark's synthetic load: realistic runs — a PipelineRun with 4 TaskRuns, their Pods and
 * an Event per Pod, each object observed in 3 versions (created, running, finished) — built from
 * the fixtures. Each run happens at a given instant: its objects' own timestamps are moved there,
 * and its observations are stamped when they are sent (or, for history, when they were made).
 */
final class BenchLoad {

    static final int TASKS = 4;
    static final int VERSIONS = 3;
    private static final Pattern TIMESTAMP = Pattern.compile("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d(\\.\\d+)?Z");
    private static final Map<String, JsonNode> FIXTURES = new ConcurrentHashMap<>();

    private BenchLoad() {}

    /** One run: its objects in the order a watch would see them, each version a message. */
    static final class Run {
        final String uid;
        final String name;
        final List<JsonNode> objects = new ArrayList<>();
        final List<String> routingKeys = new ArrayList<>();
        /** Index of the PipelineRun's finished state. */
        int terminal;

        Run(String uid, String name) {
            this.uid = uid;
            this.name = name;
        }

        int size() {
            return objects.size();
        }

        Message message(int i, OffsetDateTime observedAt) {
            return Observations.message(ResourceEvents.Action.APPLIED, objects.get(i), observedAt);
        }

        /** Publishes every version, stamped now, as the harvester would on seeing it. */
        void publish(RabbitTemplate template, String exchange) {
            for (int i = 0; i < size(); i++) {
                template.send(exchange, routingKeys.get(i), message(i, OffsetDateTime.now(ZoneOffset.UTC)));
            }
        }
    }

    static int events(List<Run> runs) {
        return runs.stream().mapToInt(Run::size).sum();
    }

    /** A run whose PipelineRun was created at {@code createdAt}; every object gets fresh uids. */
    static Run run(String runName, Instant createdAt) {
        String runUid = UUID.randomUUID().toString();
        ObjectNode pipelineRun = at(fixture("tekton/pipelinerun-v1-lighthouse-presubmit-succeeded.yaml"), createdAt);
        ObjectNode prMeta = (ObjectNode) pipelineRun.path("metadata");
        prMeta.remove("ownerReferences");
        prMeta.put("uid", runUid).put("name", runName).put("namespace", "bench");
        ObjectNode labels = (ObjectNode) prMeta.path("labels");
        labels.remove("event-GUID");
        labels.remove("lighthouse.jenkins-x.io/id");
        labels.remove("lighthouse.jenkins-x.io/buildNum");
        Run run = new Run(runUid, runName);
        List<JsonNode[]> objects = new ArrayList<>();
        objects.add(versions(pipelineRun));
        for (int t = 0; t < TASKS; t++) {
            String taskUid = UUID.randomUUID().toString();
            String taskName = runName + "-task-" + t;
            String podName = taskName + "-pod";
            ObjectNode taskRun = at(fixture("tekton/taskrun-v1-lighthouse-presubmit-succeeded.yaml"), createdAt);
            ObjectNode trMeta = taskRun.withObject("metadata");
            trMeta.put("uid", taskUid).put("name", taskName).put("namespace", "bench");
            trMeta.withObject("labels")
                    .put("tekton.dev/pipelineRun", runName)
                    .put("tekton.dev/pipelineTask", "task-" + t);
            owner(trMeta, "tekton.dev/v1", "PipelineRun", runName, runUid);
            taskRun.put("apiVersion", "tekton.dev/v1").put("kind", "TaskRun");
            taskRun.withObject("status").put("podName", podName);
            objects.add(versions(taskRun));

            String podUid = UUID.randomUUID().toString();
            ObjectNode pod = at(fixture("pods/pod-taskrun-meta-pipeline-succeeded.yaml"), createdAt);
            ObjectNode podMeta = (ObjectNode) pod.path("metadata");
            podMeta.put("uid", podUid).put("name", podName).put("namespace", "bench");
            owner(podMeta, "tekton.dev/v1", "TaskRun", taskName, taskUid);
            objects.add(versions(pod));

            ObjectNode event = at(eventFixture(), createdAt);
            event.withObject("metadata")
                    .put("uid", UUID.randomUUID().toString())
                    .put("name", podName + ".event")
                    .put("namespace", "bench");
            event.withObject("involvedObject")
                    .put("kind", "Pod")
                    .put("uid", podUid)
                    .put("name", podName);
            objects.add(versions(event));
        }
        // Version by version, as watches deliver them; the run's final state comes last.
        for (int v = 0; v < VERSIONS; v++) {
            for (JsonNode[] versions : objects) {
                run.objects.add(versions[v]);
                run.routingKeys.add(Observations.routingKey(versions[v]));
            }
        }
        run.terminal = (VERSIONS - 1) * objects.size();
        return run;
    }

    private static void owner(ObjectNode metadata, String apiVersion, String kind, String name, String uid) {
        ArrayNode owners = metadata.putArray("ownerReferences");
        owners.addObject()
                .put("apiVersion", apiVersion)
                .put("kind", kind)
                .put("name", name)
                .put("uid", uid)
                .put("controller", true);
    }

    private static ObjectNode fixture(String path) {
        return (ObjectNode)
                FIXTURES.computeIfAbsent(path, Observations::fixture).deepCopy();
    }

    private static ObjectNode eventFixture() {
        String path = "events/k8s-events-v1-deployment-rollout-pod-lifecycle.yaml";
        return (ObjectNode) FIXTURES.computeIfAbsent(
                        path + "#2", p -> Fixtures.objects(path).get(2))
                .deepCopy();
    }

    /**
     * Moves every timestamp of the object by the same amount, so that it was created at
     * {@code createdAt} and its phases keep their lengths.
     */
    static ObjectNode at(ObjectNode object, Instant createdAt) {
        JsonNode created = object.path("metadata").path("creationTimestamp");
        if (!created.isString()) {
            created = object.path("firstTimestamp");
        }
        if (!created.isString()) {
            return object;
        }
        Duration shift = Duration.between(Instant.parse(created.asString()), createdAt);
        shift(object, shift);
        return object;
    }

    private static void shift(JsonNode node, Duration by) {
        if (node instanceof ObjectNode object) {
            for (var field : List.copyOf(object.properties())) {
                JsonNode value = field.getValue();
                if (value.isString() && TIMESTAMP.matcher(value.asString()).matches()) {
                    object.put(field.getKey(), moved(value.asString(), by));
                } else {
                    shift(value, by);
                }
            }
        } else if (node instanceof ArrayNode array) {
            for (int i = 0; i < array.size(); i++) {
                JsonNode value = array.get(i);
                if (value.isString() && TIMESTAMP.matcher(value.asString()).matches()) {
                    array.set(i, StringNode.valueOf(moved(value.asString(), by)));
                } else {
                    shift(value, by);
                }
            }
        }
    }

    private static String moved(String timestamp, Duration by) {
        try {
            return Instant.parse(timestamp).plus(by).toString();
        } catch (DateTimeParseException e) {
            return timestamp;
        }
    }

    /** Three versions: created (no status), running, finished (the fixture's own status). */
    private static JsonNode[] versions(ObjectNode finished) {
        JsonNode[] versions = new JsonNode[VERSIONS];
        long base = 1000;
        for (int v = 0; v < VERSIONS; v++) {
            ObjectNode copy = finished.deepCopy();
            copy.withObject("metadata").put("resourceVersion", Long.toString(base + v));
            if (v == 0) {
                copy.remove("status");
            } else if (v == 1 && copy.path("status").has("conditions")) {
                ObjectNode status = copy.withObject("status");
                status.remove("completionTime");
                status.putArray("conditions")
                        .addObject()
                        .put("type", "Succeeded")
                        .put("status", "Unknown")
                        .put("reason", "Running");
            }
            if ("Event".equals(copy.path("kind").asString(""))) {
                copy.put("count", v + 1);
            }
            versions[v] = copy;
        }
        return versions;
    }
}
