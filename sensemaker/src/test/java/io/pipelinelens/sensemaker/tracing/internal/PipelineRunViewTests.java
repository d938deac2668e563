package io.pipelinelens.sensemaker.tracing.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.pipelinelens.testing.Fixtures;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/** What tracing reads from every PipelineRun fixture: result, stable pipeline name, times, params. */
class PipelineRunViewTests {

    /** What a reader sees in each fixture; {@code result} null means the run has not finished. */
    record Expected(String result, String start, String completion) {}

    private static final Map<String, Expected> EXPECTED = Map.of(
            "tekton/pipelinerun-v1-lighthouse-failed.yaml",
                    new Expected("failure", "2020-07-20T18:50:22Z", "2020-07-20T18:50:43Z"),
            "tekton/pipelinerun-v1-lighthouse-multi-task-succeeded.yaml",
                    new Expected("success", "2020-07-20T19:50:21Z", "2020-07-20T20:50:27Z"),
            "tekton/pipelinerun-v1-lighthouse-presubmit-cancelled.yaml",
                    new Expected("cancellation", null, "2022-06-13T21:35:25Z"),
            "tekton/pipelinerun-v1-lighthouse-presubmit-created.yaml", new Expected(null, null, null),
            "tekton/pipelinerun-v1-lighthouse-presubmit-succeeded.yaml",
                    new Expected("success", null, "2022-06-15T11:09:56Z"),
            "tekton/pipelinerun-v1-lighthouse-presubmit-timeout.yaml",
                    new Expected("timeout", null, "2022-06-15T13:29:06Z"),
            "tekton/pipelinerun-v1beta1-lighthouse-postsubmit-succeeded.yaml",
                    new Expected("success", "2020-10-07T03:23:19Z", "2020-10-07T03:25:07Z"),
            "tekton/pipelinerun-v1beta1-lighthouse-running.yaml", new Expected(null, "2020-07-20T20:15:20Z", null));

    static Stream<String> pipelineRuns() {
        return Fixtures.list("tekton", ".yaml").stream().filter(f -> f.startsWith("tekton/pipelinerun-"));
    }

    private static PipelineRunView view(String fixture) {
        return new PipelineRunView(Fixtures.tree(fixture));
    }

    @Test
    void everyPipelineRunFixtureHasAnExpectation() {
        assertThat(pipelineRuns().toList()).containsExactlyInAnyOrderElementsOf(EXPECTED.keySet());
    }

    @ParameterizedTest
    @MethodSource("pipelineRuns")
    void mapsTheSucceededConditionToTheOpenTelemetryResult(String fixture) {
        PipelineRunView run = view(fixture);
        Expected expected = EXPECTED.get(fixture);
        assertThat(run.finished()).isEqualTo(expected.result() != null);
        if (expected.result() != null) {
            assertThat(run.result()).isEqualTo(expected.result());
        }
    }

    @ParameterizedTest
    @MethodSource("pipelineRuns")
    void parsesTheRunsOwnTimes(String fixture) {
        PipelineRunView run = view(fixture);
        Expected expected = EXPECTED.get(fixture);
        assertThat(run.startTime())
                .isEqualTo(Optional.ofNullable(expected.start()).map(Instant::parse));
        assertThat(run.completionTime())
                .isEqualTo(Optional.ofNullable(expected.completion()).map(Instant::parse));
        String created = Fixtures.tree(fixture)
                .path("metadata")
                .path("creationTimestamp")
                .asString("");
        assertThat(run.creationTimestamp())
                .isEqualTo(created.isBlank() ? Optional.empty() : Optional.of(Instant.parse(created)));
    }

    @ParameterizedTest
    @MethodSource("pipelineRuns")
    void neverNamesThePipelineAfterTheGeneratedRunName(String fixture) {
        PipelineRunView run = view(fixture);
        assertThat(run.pipeline()).isNotBlank().isNotEqualTo(run.name());
        String generateName =
                Fixtures.tree(fixture).path("metadata").path("generateName").asString("");
        if (!generateName.isBlank()) {
            // The random suffix Kubernetes appended must not leak into the low-cardinality name.
            assertThat(run.pipeline()).doesNotContain(run.name().substring(generateName.length()));
        }
    }

    @Test
    void namesALighthouseRunAfterItsRepositoryAndJob() {
        assertThat(view("tekton/pipelinerun-v1beta1-lighthouse-postsubmit-succeeded.yaml")
                        .pipeline())
                .isEqualTo("jstrachan/nodey532/release");
        assertThat(view("tekton/pipelinerun-v1-lighthouse-presubmit-succeeded.yaml")
                        .pipeline())
                .isEqualTo("jenkins-x-plugins/jx-registry/lint");
    }

    @Test
    void readsTheReasonAndMessageOfAFinishedRun() {
        PipelineRunView timeout = view("tekton/pipelinerun-v1-lighthouse-presubmit-timeout.yaml");
        assertThat(timeout.reason()).isEqualTo("PipelineRunTimeout");
        assertThat(timeout.message()).contains("failed to finish within");
        assertThat(view("tekton/pipelinerun-v1-lighthouse-presubmit-created.yaml")
                        .reason())
                .isNull();
    }

    @Test
    void takesTheLastNonEmptyValueOfADuplicatedParam() {
        // Lighthouse lists its params twice in this run: empty first, then filled in.
        PipelineRunView run = view("tekton/pipelinerun-v1-lighthouse-presubmit-succeeded.yaml");
        assertThat(run.param("PULL_BASE_REF")).isEqualTo("main");
        assertThat(run.param("PULL_NUMBER")).isEqualTo("8");
        assertThat(run.param("REPO_URL")).isEqualTo("https://github.com/jenkins-x-plugins/jx-registry.git");
        assertThat(run.param("NO_SUCH_PARAM")).isNull();
    }

    @Test
    void anEmptyValueAfterAFilledOneDoesNotEraseIt() {
        assertThat(withParams(List.of(Map.of("name", "P", "value", "first"), Map.of("name", "P", "value", "")))
                        .param("P"))
                .isEqualTo("first");
        assertThat(withParams(List.of(Map.of("name", "P", "value", "first"), Map.of("name", "P", "value", "second")))
                        .param("P"))
                .isEqualTo("second");
        assertThat(withParams(List.of(Map.of("name", "P", "value", " "))).param("P"))
                .isNull();
    }

    @Test
    void readsRepositoryBranchAndRevisionFromLabelsOrParams() {
        PipelineRunView run = view("tekton/pipelinerun-v1-lighthouse-presubmit-cancelled.yaml");
        assertThat(run.repositoryUrl()).isEqualTo("https://github.com/jenkins-x-plugins/jx-project.git");
        assertThat(run.branch()).isEqualTo("PR-464");
        assertThat(run.revision()).isEqualTo("ec22087260957090cdf327d2669975b24fe03a91");
        assertThat(run.eventGuid()).isEqualTo("92332760-eb5b-11ec-8ac2-2d35bcf02698");
    }

    @Test
    void readsTheTasksTektonSkippedWithTheirReasons() {
        assertThat(view("tekton/pipelinerun-v1-lighthouse-multi-task-succeeded.yaml")
                        .skippedTasks())
                .isEmpty();
        // No fixture skipped a task: a copy of the multi-task run with two skipped tasks, one as
        // Tekton v1 lists it (with a reason), one as older v1beta1 runs do (name only).
        ObjectNode run = (ObjectNode) Fixtures.tree("tekton/pipelinerun-v1-lighthouse-multi-task-succeeded.yaml");
        ArrayNode skipped = run.withObject("status").putArray("skippedTasks");
        skipped.addObject()
                .put("name", "promote")
                .put("reason", "When Expressions evaluated to false")
                .putArray("whenExpressions")
                .addObject()
                .put("input", "PR-7463")
                .put("operator", "in")
                .putArray("values")
                .add("master");
        skipped.addObject().put("name", "notify");
        assertThat(new PipelineRunView(run).skippedTasks())
                .containsExactly(
                        new PipelineRunView.SkippedTask("promote", "When Expressions evaluated to false"),
                        new PipelineRunView.SkippedTask("notify", null));
    }

    private static PipelineRunView withParams(List<Map<String, String>> params) {
        JsonMapper json = JsonMapper.builder().build();
        ObjectNode run = json.createObjectNode();
        run.putObject("metadata").put("name", "r-abcde").put("uid", "u");
        JsonNode list = json.valueToTree(params);
        run.putObject("spec").set("params", list);
        return new PipelineRunView(run);
    }
}
