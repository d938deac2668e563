package io.pipelinelens.sensemaker.tracing.internal;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.MissingNode;

/** Read access to any Kubernetes object as the API serves it: metadata, owners, conditions, times. */
record KubeObject(JsonNode body) {

    String uid() {
        return metadata().path("uid").asString("");
    }

    String kind() {
        return body.path("kind").asString("");
    }

    String namespace() {
        return metadata().path("namespace").asString("default");
    }

    String name() {
        return metadata().path("name").asString("");
    }

    String label(String key) {
        return text(metadata().path("labels").path(key));
    }

    String annotation(String key) {
        return text(metadata().path("annotations").path(key));
    }

    /** The uid in the owner reference of the given kind, when the reference carries one. */
    Optional<String> ownerUid(String kind) {
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

    Optional<String> ownerName(String kind) {
        for (JsonNode owner : metadata().path("ownerReferences")) {
            if (kind.equals(owner.path("kind").asString(""))) {
                return Optional.ofNullable(text(owner.path("name")));
            }
        }
        return Optional.empty();
    }

    Optional<Instant> creationTimestamp() {
        return instant(metadata().path("creationTimestamp"));
    }

    /** The condition of the given type, or a missing node. */
    JsonNode condition(String type) {
        for (JsonNode condition : body.path("status").path("conditions")) {
            if (type.equals(condition.path("type").asString(""))) {
                return condition;
            }
        }
        return MissingNode.getInstance();
    }

    JsonNode path(String... fields) {
        JsonNode node = body;
        for (String field : fields) {
            node = node.path(field);
        }
        return node;
    }

    JsonNode metadata() {
        return body.path("metadata");
    }

    static Optional<Instant> instant(JsonNode node) {
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

    static String text(JsonNode node) {
        if (node == null || node.isMissingNode() || node.isNull()) {
            return null;
        }
        String value = node.asString("");
        return value.isBlank() ? null : value;
    }

    static long nanos(Instant instant) {
        return instant.getEpochSecond() * 1_000_000_000L + instant.getNano();
    }
}
