package io.pipelinelens.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** The data schemas are not permissive by accident: each rule they state rejects what breaks it. */
class SchemaRejectionTests {

    @Test
    void kubernetesResourceNeedsApiVersionKindAndName() {
        assertThat(valid(EventType.RESOURCE_APPLIED, d -> {})).isTrue();
        assertThat(valid(EventType.RESOURCE_APPLIED, d -> d.remove("kind"))).isFalse();
        assertThat(valid(EventType.RESOURCE_APPLIED, d -> d.remove("apiVersion")))
                .isFalse();
        assertThat(valid(EventType.RESOURCE_APPLIED, d -> metadata(d).remove("name")))
                .isFalse();
        assertThat(valid(EventType.RESOURCE_APPLIED, d -> metadata(d).put("uid", 42)))
                .isFalse();
        assertThat(valid(EventType.RESOURCE_APPLIED, d -> metadata(d).put("resourceVersion", 270419726)))
                .isFalse();
        assertThat(valid(EventType.RESOURCE_APPLIED, d -> metadata(d).putNull("namespace")))
                .isFalse();
        assertThat(valid(EventType.RESOURCE_APPLIED, d -> d.put("somethingNew", true)))
                .isTrue();
    }

    @Test
    void gitWebhookTiesPayloadTypeToLighthouse() {
        assertThat(valid(EventType.GIT_WEBHOOK_RECEIVED, d -> {})).isTrue();
        assertThat(valid(EventType.GIT_WEBHOOK_RECEIVED, d -> d.put("payloadType", "webhook")))
                .isFalse();
        assertThat(valid(EventType.GIT_WEBHOOK_RECEIVED, d -> d.put("provider", "lighthouse")))
                .isFalse();
        assertThat(valid(
                        EventType.GIT_WEBHOOK_RECEIVED,
                        d -> d.put("provider", "lighthouse").put("payloadType", "webhook")))
                .isTrue();
        assertThat(valid(
                        EventType.GIT_WEBHOOK_RECEIVED,
                        d -> d.put("provider", "lighthouse").put("payloadType", "activity")))
                .isFalse();
        assertThat(valid(EventType.GIT_WEBHOOK_RECEIVED, d -> d.put("provider", "gitlab")))
                .isFalse();
        assertThat(valid(EventType.GIT_WEBHOOK_RECEIVED, d -> d.put("kind", "Pull.Request")))
                .isFalse();
        assertThat(valid(EventType.GIT_WEBHOOK_RECEIVED, d -> d.putNull("deliveryId")))
                .isTrue();
        assertThat(valid(EventType.GIT_WEBHOOK_RECEIVED, d -> d.remove("deliveryId")))
                .isFalse();
        assertThat(valid(EventType.GIT_WEBHOOK_RECEIVED, d -> d.put("payload", "{}")))
                .isFalse();
    }

    @Test
    void cdeventsKeepTheirTypeOutcomeAndRunIdentity() {
        assertThat(valid(EventType.PIPELINERUN_FINISHED, d -> {})).isTrue();
        assertThat(valid(
                        EventType.PIPELINERUN_FINISHED,
                        d -> context(d).put("type", "dev.cdevents.pipelinerun.started.0.3.0")))
                .isFalse();
        assertThat(valid(EventType.PIPELINERUN_FINISHED, d -> context(d).remove("timestamp")))
                .isFalse();
        assertThat(valid(EventType.PIPELINERUN_FINISHED, d -> context(d).put("timestamp", "15 June 2022")))
                .isFalse();
        assertThat(valid(EventType.PIPELINERUN_FINISHED, d -> content(d).put("outcome", "succeeded")))
                .isFalse();
        assertThat(valid(EventType.PIPELINERUN_FINISHED, d -> custom(d).remove("runUid")))
                .isFalse();
        assertThat(valid(EventType.PIPELINERUN_FINISHED, d -> custom(d).put("result", "passed")))
                .isFalse();
        assertThat(valid(EventType.PIPELINERUN_FINISHED, d -> custom(d).put("traceId", "not-a-trace")))
                .isFalse();
        assertThat(valid(EventType.PIPELINERUN_FINISHED, d -> d.remove("customData")))
                .isTrue();
        assertThat(valid(EventType.TASKRUN_FINISHED, d -> custom(d).remove("taskRunUid")))
                .isFalse();
        assertThat(valid(EventType.SERVICE_DEPLOYED, d -> content(d).put("artifactId", "jx-promote:0.1.3")))
                .isFalse();
    }

    @Test
    void outcomeChangesMatchTheResultOfTheRun() {
        assertThat(valid(EventType.PIPELINE_BROKEN, d -> {})).isTrue();
        assertThat(valid(EventType.PIPELINE_BROKEN, d -> run(d).put("result", "success")))
                .isFalse();
        assertThat(valid(EventType.PIPELINE_RECOVERED, d -> run(d).put("result", "failure")))
                .isFalse();
        assertThat(valid(EventType.PIPELINE_RECOVERED, d -> d.remove("pipeline")))
                .isFalse();
        assertThat(valid(EventType.PIPELINE_SLOWER, d -> d.put("baselineMs", -1)))
                .isFalse();
        assertThat(valid(EventType.PIPELINE_SLOWER, d -> d.remove("durationMs")))
                .isFalse();
        assertThat(valid(EventType.PIPELINE_SLOWER, d -> d.put("grew", "queue")))
                .isFalse();
    }

    @Test
    void aFlakyCommitNamesTheCommitAndTheRunsThatFailed() {
        assertThat(valid(EventType.PIPELINE_FLAKY, d -> {})).isTrue();
        assertThat(valid(EventType.PIPELINE_FLAKY, d -> d.remove("revision"))).isFalse();
        assertThat(valid(EventType.PIPELINE_FLAKY, d -> d.putArray("failedRuns")))
                .isFalse();
        assertThat(valid(EventType.PIPELINE_FLAKY, d -> d.remove("tasks"))).isFalse();
    }

    @Test
    void traceReadyNeedsAW3cTraceIdAndItsRoot() {
        assertThat(valid(EventType.TRACE_READY, d -> {})).isTrue();
        assertThat(valid(EventType.TRACE_READY, d -> d.put("traceId", "59F987B2DACF901DD9566105EDE287D5")))
                .isFalse();
        assertThat(valid(EventType.TRACE_READY, d -> ((ObjectNode) d.path("root")).remove("key")))
                .isFalse();
        assertThat(valid(EventType.TRACE_READY, d -> d.put("spanCount", 0))).isFalse();
        assertThat(valid(EventType.TRACE_READY, d -> d.putNull("traceUrl"))).isTrue();
    }

    /** Whether the sample's data, changed by {@code change}, still satisfies the type's schema. */
    private static boolean valid(EventType type, Consumer<ObjectNode> change) {
        ObjectNode data = (ObjectNode) CatalogSchemas.sample(type).path("data").deepCopy();
        change.accept(data);
        return CatalogSchemas.errors(CatalogSchemas.of(type), data).isEmpty();
    }

    private static ObjectNode metadata(JsonNode data) {
        return (ObjectNode) data.path("metadata");
    }

    private static ObjectNode context(JsonNode data) {
        return (ObjectNode) data.path("context");
    }

    private static ObjectNode content(JsonNode data) {
        return (ObjectNode) data.path("subject").path("content");
    }

    private static ObjectNode custom(JsonNode data) {
        return (ObjectNode) data.path("customData");
    }

    private static ObjectNode run(JsonNode data) {
        return (ObjectNode) data.path("run");
    }
}
