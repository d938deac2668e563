package io.pipelinelens.contracts;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import tools.jackson.databind.JsonNode;

/** The samples' id, source, subject and key are the ones the rules in this module compute from their data. */
class SampleIdentityTests {

    @ParameterizedTest
    @EnumSource(
            value = EventType.class,
            names = {"RESOURCE_APPLIED", "RESOURCE_DELETED"})
    void resourceSamplesCarryTheIdSourceAndSubjectOfTheirObject(EventType type) {
        JsonNode event = CatalogSchemas.sample(type);
        JsonNode object = event.path("data");
        JsonNode metadata = object.path("metadata");
        ResourceEvents.Action action =
                type == EventType.RESOURCE_DELETED ? ResourceEvents.Action.DELETED : ResourceEvents.Action.APPLIED;

        assertThat(action.type()).isEqualTo(type);
        assertThat(event.path("id").asString())
                .isEqualTo(ResourceEvents.id(
                        action,
                        metadata.path("uid").asString(),
                        metadata.path("resourceVersion").asString()));
        assertThat(event.path("source").asString()).isEqualTo(ResourceEvents.source(cluster(event, "/clusters/")));
        assertThat(event.path("subject").asString())
                .isEqualTo(ResourceEvents.subject(
                        object.path("apiVersion").asString(),
                        object.path("kind").asString(),
                        metadata.path("namespace").asString(null),
                        metadata.path("name").asString()));
        assertThat(metadata.has("managedFields")).isFalse();
        assertThat(ResourceEvents.routingKey(action, object.path("kind").asString()))
                .startsWith("resource." + action.name().toLowerCase() + ".");
    }

    @ParameterizedTest
    @EnumSource(value = EventType.class, names = "GIT_WEBHOOK_RECEIVED")
    void webhookSampleCarriesTheDeliveryIdAndRepository(EventType type) {
        JsonNode event = CatalogSchemas.sample(type);
        JsonNode data = event.path("data");
        WebhookEvents.Provider provider =
                WebhookEvents.Provider.valueOf(data.path("provider").asString().toUpperCase());
        byte[] body =
                CatalogSchemas.JSON.writeValueAsString(data.path("payload")).getBytes(StandardCharsets.UTF_8);

        assertThat(event.path("id").asString())
                .isEqualTo(WebhookEvents.id(data.path("deliveryId").asString(null), body))
                .isEqualTo(data.path("deliveryId").asString());
        assertThat(event.path("source").asString()).isEqualTo(WebhookEvents.source(provider));
        assertThat(event.path("subject").asString())
                .isEqualTo(data.path("payload")
                        .path("repository")
                        .path("full_name")
                        .asString());
        assertThat(WebhookEvents.routingKey(provider, data.path("kind").asString()))
                .isEqualTo("webhook.github.push");
    }

    @ParameterizedTest
    @EnumSource(
            value = EventType.class,
            names = {"RESOURCE_APPLIED", "RESOURCE_DELETED", "GIT_WEBHOOK_RECEIVED"},
            mode = EnumSource.Mode.EXCLUDE)
    void statusSamplesCarryTheDeterministicIdAndAKafkaKey(EventType type) {
        JsonNode event = CatalogSchemas.sample(type);
        JsonNode data = event.path("data");

        assertThat(type.channel()).isEqualTo(Channel.STATUS);
        assertThat(event.path("source").asString()).isEqualTo(StatusEvents.source(cluster(event, "/sensemaker/")));
        assertThat(event.path("id").asString()).isEqualTo(StatusEvents.id(subjectUid(type, data), type));
        assertThat(event.path("subject").asString()).isEqualTo(subject(type, data));
        assertThat(key(type, data)).contains("/");
    }

    @ParameterizedTest
    @EnumSource(
            value = EventType.class,
            names = "^(PIPELINERUN|TASKRUN|CHANGE|ARTIFACT|SERVICE)_.*",
            mode = EnumSource.Mode.MATCH_ALL)
    void cdeventSamplesRepeatTheEnvelopeInTheirContext(EventType type) {
        JsonNode event = CatalogSchemas.sample(type);
        JsonNode context = event.path("data").path("context");

        assertThat(context.path("id").asString()).isEqualTo(event.path("id").asString());
        assertThat(context.path("source").asString())
                .isEqualTo(event.path("source").asString());
        assertThat(context.path("type").asString()).isEqualTo(type.type());
        assertThat(context.path("timestamp").asString())
                .isEqualTo(event.path("time").asString());
        assertThat(event.path("data").path("subject").path("id").asString())
                .isEqualTo(event.path("subject").asString());
        assertThat(event.path("data").path("customDataContentType").asString()).isEqualTo("application/json");
    }

    /** The uid the sensemaker passes to {@link StatusEvents#id}, per type (see docs/events.md). */
    private static String subjectUid(EventType type, JsonNode data) {
        JsonNode custom = data.path("customData");
        return switch (type) {
            case PIPELINERUN_QUEUED, PIPELINERUN_STARTED, PIPELINERUN_FINISHED ->
                custom.path("runUid").asString();
            case TASKRUN_STARTED, TASKRUN_FINISHED -> custom.path("taskRunUid").asString();
            case CHANGE_MERGED -> custom.path("deliveryId").asString();
            case ARTIFACT_PUBLISHED ->
                custom.path("runUid").asString() + "/"
                        + custom.path("imageDigest").asString();
            case SERVICE_DEPLOYED ->
                custom.path("environment").asString() + "/"
                        + custom.path("service").asString() + "/"
                        + custom.path("version").asString();
            case PIPELINE_BROKEN, PIPELINE_RECOVERED, PIPELINE_SLOWER, PIPELINE_FLAKY ->
                data.path("run").path("runUid").asString();
            case TRACE_READY -> data.path("traceId").asString();
            default -> throw new IllegalArgumentException("not a status event: " + type);
        };
    }

    private static String subject(EventType type, JsonNode data) {
        JsonNode custom = data.path("customData");
        return switch (type) {
            case PIPELINERUN_QUEUED, PIPELINERUN_STARTED, PIPELINERUN_FINISHED ->
                custom.path("namespace").asString() + "/"
                        + custom.path("pipelineRun").asString();
            case TASKRUN_STARTED, TASKRUN_FINISHED ->
                custom.path("namespace").asString() + "/"
                        + custom.path("taskRun").asString();
            case CHANGE_MERGED ->
                data.path("subject")
                                .path("content")
                                .path("repository")
                                .path("id")
                                .asString() + "/pull/" + custom.path("number").asInt();
            case ARTIFACT_PUBLISHED -> artifactPurl(custom);
            case SERVICE_DEPLOYED ->
                custom.path("environment").asString() + "/"
                        + custom.path("service").asString();
            case PIPELINE_BROKEN, PIPELINE_RECOVERED, PIPELINE_SLOWER, PIPELINE_FLAKY ->
                data.path("namespace").asString() + "/"
                        + data.path("run").path("pipelineRun").asString();
            case TRACE_READY -> "traces/" + data.path("traceId").asString();
            default -> throw new IllegalArgumentException("not a status event: " + type);
        };
    }

    private static String key(EventType type, JsonNode data) {
        JsonNode custom = data.path("customData");
        return switch (type) {
            case CHANGE_MERGED -> {
                String[] repo = data.path("subject")
                        .path("content")
                        .path("repository")
                        .path("id")
                        .asString()
                        .split("/", 2);
                yield StatusEvents.key(repo[0], repo[1]);
            }
            case SERVICE_DEPLOYED ->
                StatusEvents.key(
                        custom.path("environment").asString(),
                        custom.path("service").asString());
            case PIPELINE_BROKEN, PIPELINE_RECOVERED, PIPELINE_SLOWER, PIPELINE_FLAKY, TRACE_READY ->
                StatusEvents.key(
                        data.path("namespace").asString(), data.path("pipeline").asString());
            default ->
                StatusEvents.key(
                        custom.path("namespace").asString(),
                        custom.path("pipeline").asString());
        };
    }

    // The PURL of an OCI image: pkg:oci/NAME@DIGEST(":" escaped)?repository_url=REGISTRY/OWNER&tag=TAG.
    private static String artifactPurl(JsonNode custom) {
        String imageUrl = custom.path("imageUrl").asString();
        int slash = imageUrl.lastIndexOf('/');
        int colon = imageUrl.lastIndexOf(':');
        return "pkg:oci/" + imageUrl.substring(slash + 1, colon) + "@"
                + custom.path("imageDigest").asString().replace(":", "%3A") + "?repository_url="
                + imageUrl.substring(0, slash) + "&tag=" + imageUrl.substring(colon + 1);
    }

    private static String cluster(JsonNode event, String prefix) {
        String source = event.path("source").asString();
        assertThat(source).startsWith(prefix);
        return source.substring(prefix.length());
    }
}
