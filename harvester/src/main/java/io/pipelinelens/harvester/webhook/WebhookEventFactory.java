package io.pipelinelens.harvester.webhook;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.jackson.JsonCloudEventData;
import io.pipelinelens.contracts.EventType;
import io.pipelinelens.contracts.WebhookEvents;
import io.pipelinelens.contracts.WebhookEvents.Provider;
import io.pipelinelens.harvester.publish.Publication;
import java.net.URI;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Iterator;
import java.util.Map;

/** Wraps one received webhook into its {@code io.pipelinelens.git.webhook.received.v1} CloudEvent. */
class WebhookEventFactory {

    private final ObjectMapper json;
    private final Clock clock;

    WebhookEventFactory(ObjectMapper json, Clock clock) {
        this.json = json;
        this.clock = clock;
    }

    /**
     * @param deliveryId the delivery GUID, or null (the id then hashes the body)
     * @param payloadType {@code webhook}/{@code activity} for Lighthouse, null for GitHub
     */
    Publication build(
            Provider provider, String kind, String deliveryId, String payloadType, ObjectNode payload, byte[] body) {
        ObjectNode data = json.createObjectNode();
        data.put("provider", provider.word());
        data.put("kind", kind);
        data.put("deliveryId", deliveryId);
        if (payloadType != null) {
            data.put("payloadType", payloadType);
        }
        data.set("payload", payload);
        CloudEventBuilder event = CloudEventBuilder.v1()
                .withId(WebhookEvents.id(deliveryId, body))
                .withSource(URI.create(WebhookEvents.source(provider)))
                .withType(EventType.GIT_WEBHOOK_RECEIVED.type())
                .withTime(OffsetDateTime.now(clock).withOffsetSameInstant(ZoneOffset.UTC))
                .withDataContentType("application/json")
                .withData(JsonCloudEventData.wrap(data));
        String repository = repository(provider, payload);
        if (repository != null) {
            event.withSubject(repository);
        }
        return new Publication(event.build(), WebhookEvents.routingKey(provider, kind), provider.word());
    }

    /** {@code owner/repo} where the payload names it: GitHub's repository, go-scm's Repo, an activity's owner and repo. */
    static String repository(Provider provider, JsonNode payload) {
        if (provider == Provider.GITHUB) {
            return text(payload.path("repository").path("full_name"));
        }
        JsonNode repo = field(payload, "repo");
        if (repo != null && repo.isObject()) {
            String fullName = text(field(repo, "fullName"));
            if (fullName != null) {
                return fullName;
            }
            String namespace = text(field(repo, "namespace"));
            String name = text(field(repo, "name"));
            return namespace != null && name != null ? namespace + "/" + name : null;
        }
        String owner = text(field(payload, "owner"));
        String name = repo == null ? null : text(repo);
        return owner != null && name != null ? owner + "/" + name : null;
    }

    /** A field by name regardless of case: go-scm payloads say {@code GUID}, {@code Guid} or {@code Repo}. */
    static JsonNode field(JsonNode node, String name) {
        if (node == null || !node.isObject()) {
            return null;
        }
        JsonNode exact = node.get(name);
        if (exact != null) {
            return exact;
        }
        for (Iterator<Map.Entry<String, JsonNode>> it = node.properties().iterator(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            if (e.getKey().equalsIgnoreCase(name)) {
                return e.getValue();
            }
        }
        return null;
    }

    static String text(JsonNode node) {
        return node == null || !node.isTextual() || node.asText().isBlank() ? null : node.asText();
    }
}
