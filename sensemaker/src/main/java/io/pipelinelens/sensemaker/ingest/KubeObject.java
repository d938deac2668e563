package io.pipelinelens.sensemaker.ingest;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.MissingNode;

/** Read access to any Kubernetes object as the API serves it: metadata, owners, conditions, times. */
public record KubeObject(JsonNode body) {

    public String uid() {
        return metadata().path("uid").asString("");
    }

    public String kind() {
        return body.path("kind").asString("");
    }

    public String namespace() {
        return metadata().path("namespace").asString("default");
    }

    public String name() {
        return metadata().path("name").asString("");
    }

    public String label(String key) {
        return text(metadata().path("labels").path(key));
    }

    public String annotation(String key) {
        return text(metadata().path("annotations").path(key));
    }

    /** The uid in the owner reference of the given kind, when the reference carries one. */
    public Optional<String> ownerUid(String kind) {
        for (JsonNode owner : metadata().path("ownerReferences")) {
            if (kind.equals(owner.path("kind").asString(""))) {
                String uid = owner.path("uid").asString("");
                if (!uid.isBlank()) {
                    return Optional.of(uid);
                }
            }
        }
        return Optional.empty();
    }

    public Optional<String> ownerName(String kind) {
        for (JsonNode owner : metadata().path("ownerReferences")) {
            if (kind.equals(owner.path("kind").asString(""))) {
                return Optional.ofNullable(text(owner.path("name")));
            }
        }
        return Optional.empty();
    }

    public Optional<Instant> creationTimestamp() {
        return instant(metadata().path("creationTimestamp"));
    }

    /** The condition of the given type, or a missing node. */
    public JsonNode condition(String type) {
        for (JsonNode condition : body.path("status").path("conditions")) {
            if (type.equals(condition.path("type").asString(""))) {
                return condition;
            }
        }
        return MissingNode.getInstance();
    }

    public JsonNode path(String... fields) {
        JsonNode node = body;
        for (String field : fields) {
            node = node.path(field);
        }
        return node;
    }

    public JsonNode metadata() {
        return body.path("metadata");
    }

    public static Optional<Instant> instant(JsonNode node) {
        String text = node == null ? "" : node.asString("");
        if (text.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Instant.parse(text));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }

    public static String text(JsonNode node) {
        if (node == null || node.isMissingNode() || node.isNull()) {
            return null;
        }
        String value = node.asString("");
        return value.isBlank() ? null : value;
    }

    /** Epoch nanoseconds, as OTLP carries them; a time past 2262 does not fit and throws. */
    public static long nanos(Instant instant) {
        return Math.addExact(Math.multiplyExact(instant.getEpochSecond(), 1_000_000_000L), instant.getNano());
    }
}
