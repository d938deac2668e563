package io.pipelinelens.sensemaker;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.core.provider.EventFormatProvider;
import io.cloudevents.jackson.JsonFormat;
import io.pipelinelens.contracts.EventType;
import io.pipelinelens.contracts.ResourceEvents;
import io.pipelinelens.contracts.WebhookEvents;
import io.pipelinelens.testing.Fixtures;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageBuilder;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** Builds the harvester's CloudEvents from fixture objects, as the catalog defines them. */
public final class Observations {

    private Observations() {}

    public static ObjectNode fixture(String path) {
        ObjectNode object = (ObjectNode) Fixtures.tree(path);
        ((ObjectNode) object.path("metadata")).remove("managedFields");
        return object;
    }

    /** A fixture object with a fresh uid and name, at the given resourceVersion. */
    public static ObjectNode fresh(String path, String resourceVersion) {
        ObjectNode object = fixture(path);
        ObjectNode metadata = (ObjectNode) object.path("metadata");
        metadata.put("uid", java.util.UUID.randomUUID().toString());
        metadata.put(
                "name",
                metadata.path("name").asString() + "-"
                        + java.util.UUID.randomUUID().toString().substring(0, 5));
        metadata.put("resourceVersion", resourceVersion);
        return object;
    }

    public static Message applied(JsonNode object) {
        return message(ResourceEvents.Action.APPLIED, object);
    }

    public static Message message(ResourceEvents.Action action, JsonNode object) {
        return message(action, object, OffsetDateTime.now());
    }

    /** An observation made at the given time (the harvester's CloudEvent {@code time}). */
    public static Message message(ResourceEvents.Action action, JsonNode object, OffsetDateTime time) {
        JsonNode metadata = object.path("metadata");
        String apiVersion = object.path("apiVersion").asString();
        String kind = object.path("kind").asString();
        CloudEvent event = CloudEventBuilder.v1()
                .withId(ResourceEvents.id(
                        action,
                        metadata.path("uid").asString(),
                        metadata.path("resourceVersion").asString()))
                .withSource(URI.create(ResourceEvents.source("test-cluster")))
                .withType(action.type().type())
                .withSubject(ResourceEvents.subject(
                        apiVersion,
                        kind,
                        metadata.path("namespace").asString(null),
                        metadata.path("name").asString()))
                .withTime(time)
                .withDataContentType("application/json")
                .withData(object.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8))
                .build();
        return raw(
                EventFormatProvider.getInstance()
                        .resolveFormat(JsonFormat.CONTENT_TYPE)
                        .serialize(event),
                event.getId());
    }

    /**
     * A GitHub delivery as the harvester forwards it: the delivery GUID is the event id (and the
     * {@code event-GUID} label Lighthouse puts on the jobs it starts).
     */
    public static Message gitHubWebhook(String deliveryGuid, String kind, JsonNode payload, OffsetDateTime receivedAt) {
        ObjectNode data =
                tools.jackson.databind.json.JsonMapper.builder().build().createObjectNode();
        data.put("provider", "github").put("kind", kind).put("deliveryId", deliveryGuid);
        data.set("payload", payload);
        CloudEvent event = CloudEventBuilder.v1()
                .withId(WebhookEvents.id(deliveryGuid, payload.toString().getBytes(StandardCharsets.UTF_8)))
                .withSource(URI.create(WebhookEvents.source(WebhookEvents.Provider.GITHUB)))
                .withType(EventType.GIT_WEBHOOK_RECEIVED.type())
                .withSubject(payload.path("repository").path("full_name").asString(null))
                .withTime(receivedAt)
                .withDataContentType("application/json")
                .withData(data.toString().getBytes(StandardCharsets.UTF_8))
                .build();
        return raw(
                EventFormatProvider.getInstance()
                        .resolveFormat(JsonFormat.CONTENT_TYPE)
                        .serialize(event),
                event.getId());
    }

    public static String gitHubRoutingKey(String kind) {
        return WebhookEvents.routingKey(WebhookEvents.Provider.GITHUB, kind);
    }

    public static Message raw(byte[] body, String messageId) {
        return MessageBuilder.withBody(body)
                .setContentType(JsonFormat.CONTENT_TYPE)
                .setMessageId(messageId)
                .setDeliveryMode(org.springframework.amqp.core.MessageDeliveryMode.PERSISTENT)
                .build();
    }

    public static String routingKey(JsonNode object) {
        return ResourceEvents.routingKey(
                ResourceEvents.Action.APPLIED, object.path("kind").asString());
    }
}
