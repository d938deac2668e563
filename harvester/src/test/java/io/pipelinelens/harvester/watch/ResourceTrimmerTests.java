package io.pipelinelens.harvester.watch;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pipelinelens.harvester.HarvesterProperties;
import io.pipelinelens.testing.Fixtures;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.util.unit.DataSize;

class ResourceTrimmerTests {

    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void removesManagedFieldsAndConfiguredPathsButKeepsTheRest() throws Exception {
        ObjectNode pipelineRun = fixture("tekton/pipelinerun-v1-lighthouse-presubmit-succeeded.yaml");
        ((ObjectNode) pipelineRun.get("metadata"))
                .putObject("annotations")
                .put("kubectl.kubernetes.io/last-applied-configuration", "{\"big\":true}")
                .put("keep", "me");
        assertThat(pipelineRun.at("/metadata/managedFields").isMissingNode()).isFalse();

        ResourceTrimmer.Trimmed trimmed = trimmer(DataSize.ofKilobytes(512)).trim(pipelineRun);

        assertThat(trimmed.trimmed()).isFalse();
        assertThat(trimmed.object().at("/metadata/managedFields").isMissingNode())
                .isTrue();
        assertThat(trimmed.object().at("/metadata/annotations").has("kubectl.kubernetes.io/last-applied-configuration"))
                .isFalse();
        assertThat(trimmed.object().at("/metadata/annotations/keep").asText()).isEqualTo("me");
        ObjectNode expected = pipelineRun.deepCopy();
        ((ObjectNode) expected.get("metadata")).remove("managedFields");
        ((ObjectNode) expected.at("/metadata/annotations")).remove("kubectl.kubernetes.io/last-applied-configuration");
        assertThat(trimmed.object()).isEqualTo(expected);
        assertThat(pipelineRun.at("/metadata/managedFields").isMissingNode())
                .as("the input is left untouched")
                .isFalse();
    }

    @Test
    void dropsBulkyPathsFirstWhenOverTheCapAndMarksTheResult() throws Exception {
        ObjectNode pipelineRun = fixture("tekton/pipelinerun-v1-lighthouse-presubmit-succeeded.yaml");
        ObjectNode status = (ObjectNode) pipelineRun.get("status");
        status.putObject("pipelineSpec").put("padding", "x".repeat(20_000));
        int withoutSpec = JSON.writeValueAsBytes(withoutManagedFieldsAndPipelineSpec(pipelineRun)).length;

        ResourceTrimmer.Trimmed trimmed =
                trimmer(DataSize.ofBytes(withoutSpec + 100)).trim(pipelineRun);

        assertThat(trimmed.trimmed()).isTrue();
        assertThat(trimmed.object().at("/status/pipelineSpec").isMissingNode()).isTrue();
        assertThat(trimmed.object().at("/status/conditions").isArray()).isTrue();
        assertThat(trimmed.object().at("/spec").isObject())
                .as("only as much as needed is dropped")
                .isTrue();
        assertThat(trimmed.size()).isLessThanOrEqualTo(withoutSpec + 100);
    }

    @Test
    void fallsBackToIdentityAndStatusSummaryWhenNothingElseFits() throws Exception {
        ObjectNode taskRun = fixture("tekton/taskrun-v1-lighthouse-failed-step-exit-2.yaml");
        ResourceTrimmer.Trimmed trimmed = trimmer(DataSize.ofBytes(2_000)).trim(taskRun);

        assertThat(trimmed.trimmed()).isTrue();
        assertThat(trimmed.size()).isLessThanOrEqualTo(2_000);
        assertThat(trimmed.object().get("apiVersion")).isEqualTo(taskRun.get("apiVersion"));
        assertThat(trimmed.object().get("kind")).isEqualTo(taskRun.get("kind"));
        assertThat(trimmed.object().at("/metadata/name")).isEqualTo(taskRun.at("/metadata/name"));
        assertThat(trimmed.object().has("spec")).isFalse();
    }

    @Test
    void aTinyCapStillKeepsIdentity() throws Exception {
        ObjectNode taskRun = fixture("tekton/taskrun-v1-lighthouse-presubmit-succeeded.yaml");
        ResourceTrimmer.Trimmed trimmed = trimmer(DataSize.ofBytes(10)).trim(taskRun);

        assertThat(trimmed.trimmed()).isTrue();
        assertThat(trimmed.object().at("/metadata/name")).isEqualTo(taskRun.at("/metadata/name"));
        assertThat(trimmed.object().at("/metadata/labels").isMissingNode()).isTrue();
    }

    @Test
    void wildcardsReachIntoEveryArrayElement() throws Exception {
        ObjectNode object = (ObjectNode)
                JSON.readTree(
                        "{\"status\":{\"steps\":[{\"name\":\"a\",\"terminated\":{\"message\":\"m\",\"exitCode\":1}},{\"name\":\"b\"}]}}");
        HarvesterProperties.Trim trim = new HarvesterProperties.Trim(
                DataSize.ofKilobytes(1), List.of("/status/steps/*/terminated/message"), List.of());

        ResourceTrimmer.Trimmed trimmed = new ResourceTrimmer(JSON, trim).trim(object);

        assertThat(trimmed.object().toString())
                .isEqualTo(
                        "{\"status\":{\"steps\":[{\"name\":\"a\",\"terminated\":{\"exitCode\":1}},{\"name\":\"b\"}]}}");
    }

    private static ResourceTrimmer trimmer(DataSize max) {
        return new ResourceTrimmer(JSON, new HarvesterProperties.Trim(max, null, null));
    }

    private static ObjectNode withoutManagedFieldsAndPipelineSpec(ObjectNode object) {
        ObjectNode copy = object.deepCopy();
        ((ObjectNode) copy.get("metadata")).remove("managedFields");
        ((ObjectNode) copy.get("status")).remove("pipelineSpec");
        return copy;
    }

    private static ObjectNode fixture(String path) throws Exception {
        return (ObjectNode) JSON.readTree(Fixtures.objects(path).getFirst().toString());
    }
}
