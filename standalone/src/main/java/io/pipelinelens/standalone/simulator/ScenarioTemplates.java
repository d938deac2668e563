package io.pipelinelens.standalone.simulator;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.core.io.ClassPathResource;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;
import org.yaml.snakeyaml.nodes.Tag;
import tools.jackson.databind.json.JsonMapper;

/**
 * The real-world samples under {@code scenario/} (see its PROVENANCE.md) that every simulated run is
 * built from: what Lighthouse, Tekton, the kubelet and Jenkins X actually write.
 */
public record ScenarioTemplates(
        Map<String, Object> pullRequestWebhook,
        Map<String, Object> lighthouseJob,
        Map<String, Object> pipelineRun,
        List<TaskTemplate> tasks,
        int failureExitCode,
        Map<String, Object> pod,
        Map<String, Map<String, Object>> eventsByReason,
        Map<String, Object> pipelineActivity) {

    /** A pipeline task and the steps its TaskRun runs. */
    public record TaskTemplate(String pipelineTask, List<StepTemplate> steps) {}

    public record StepTemplate(String name, String image) {}

    private static final JsonMapper JSON = JsonMapper.builder().build();

    public static ScenarioTemplates load() {
        Map<String, Object> failed = yaml("scenario/tekton/taskrun-v1-lighthouse-failed-step-exit-2.yaml");
        int exitCode = Tree.list(Tree.map(failed, "status"), "steps").stream()
                .map(s -> Tree.string(s, "terminated", "exitCode"))
                .filter(c -> c != null && !c.equals("0"))
                .map(Integer::parseInt)
                .findFirst()
                .orElse(1);
        Map<String, Map<String, Object>> events = new java.util.LinkedHashMap<>();
        for (Map<String, Object> event :
                Tree.list(yaml("scenario/events/k8s-events-v1-deployment-rollout-pod-lifecycle.yaml"), "items")) {
            if ("Pod".equals(Tree.string(event, "involvedObject", "kind"))) {
                events.putIfAbsent(Tree.string(event, "reason"), event);
            }
        }
        return new ScenarioTemplates(
                json("scenario/github/pull_request-opened.json"),
                yaml("scenario/lighthouse/lighthousejob-presubmit-pending.yaml"),
                yaml("scenario/tekton/pipelinerun-v1-lighthouse-presubmit-created.yaml"),
                List.of(
                        task("build", "scenario/tekton/taskrun-v1-lighthouse-multi-task-build-succeeded.yaml"),
                        task("e2e-tests", "scenario/tekton/taskrun-v1-lighthouse-multi-task-e2e-succeeded.yaml")),
                exitCode,
                yaml("scenario/pods/pod-taskrun-meta-pipeline-succeeded.yaml"),
                Map.copyOf(events),
                yaml("scenario/jx/pipelineactivity-lighthouse-postsubmit-succeeded.yaml"));
    }

    private static TaskTemplate task(String pipelineTask, String resource) {
        List<StepTemplate> steps = new ArrayList<>();
        for (Map<String, Object> step : Tree.list(Tree.map(yaml(resource), "status"), "steps")) {
            String name = Tree.string(step, "name");
            // Steps Tekton adds for workspaces carry a generated suffix: not part of the pipeline.
            if (name == null || name.matches(".*-[a-z0-9]{5}")) {
                continue;
            }
            String imageId = Tree.string(step, "imageID");
            String image = imageId == null ? "busybox" : imageId.replaceFirst("^docker-pullable://", "");
            steps.add(new StepTemplate(name, image));
        }
        return new TaskTemplate(pipelineTask, List.copyOf(steps));
    }

    static Map<String, Object> yaml(String resource) {
        LoaderOptions options = new LoaderOptions();
        // Timestamps stay strings, as the Kubernetes API serves them.
        Yaml yaml = new Yaml(new SafeConstructor(options) {
            {
                this.yamlConstructors.put(Tag.TIMESTAMP, this.yamlConstructors.get(Tag.STR));
            }
        });
        return Tree.copy(yaml.<Map<String, Object>>load(text(resource)));
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> json(String resource) {
        return Tree.copy(JSON.readValue(text(resource), Map.class));
    }

    private static String text(String resource) {
        try (InputStream in = new ClassPathResource(resource).getInputStream()) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException("missing scenario template " + resource, e);
        }
    }
}
