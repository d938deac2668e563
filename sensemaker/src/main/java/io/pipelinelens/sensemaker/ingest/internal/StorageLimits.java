package io.pipelinelens.sensemaker.ingest.internal;

import io.pipelinelens.contracts.Limits;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.Map;
import java.util.Optional;
import tools.jackson.databind.JsonNode;

/**
 * Finds, before a message joins a batch, what PostgreSQL would refuse for good: keys too long for
 * the indexes they go into (SQLSTATE 54000, which no retry changes) and text that {@code text} and
 * {@code jsonb} columns cannot hold. The bounds are the contract's {@link Limits}, which the
 * harvester applies to webhooks too.
 */
final class StorageLimits {

    private StorageLimits() {}

    /** The event id goes into every reason, so it is checked before anything else is said about it. */
    static void checkId(String id) {
        int bytes = Limits.utf8Length(id);
        if (bytes > Limits.MAX_ID_BYTES) {
            throw new InvalidObservation("event id is " + bytes + " bytes, more than the " + Limits.MAX_ID_BYTES
                    + " an AMQP message-id and the sensemaker's key take (it starts "
                    + Limits.printable(id, 40) + ")");
        }
        Limits.unstorable(id).ifPresent(what -> {
            throw new InvalidObservation(
                    "event id " + Limits.printable(id, 80) + " contains " + what + ", which PostgreSQL cannot store");
        });
    }

    /** Every name of a resource event that ends up in an index key. */
    static void checkKeys(String id, JsonNode object) {
        JsonNode metadata = object.path("metadata");
        key(id, "kind", object.get("kind"));
        key(id, "metadata.uid", metadata.get("uid"));
        key(id, "metadata.name", metadata.get("name"));
        key(id, "metadata.namespace", metadata.get("namespace"));
        // Tracing keys parents and builds by label values; all of them are bounded, not only today's.
        for (Map.Entry<String, JsonNode> label : metadata.path("labels").properties()) {
            key(id, "metadata.labels." + label.getKey(), label.getValue());
        }
        int i = 0;
        for (JsonNode owner : metadata.path("ownerReferences")) {
            String path = "metadata.ownerReferences[" + i++ + "].";
            key(id, path + "uid", owner.get("uid"));
            key(id, path + "kind", owner.get("kind"));
            key(id, path + "name", owner.get("name"));
        }
        if ("Event".equals(Observation.text(object, "kind"))) {
            JsonNode involved = object.path("involvedObject");
            for (String field : new String[] {"uid", "kind", "namespace", "name"}) {
                key(id, "involvedObject." + field, involved.get(field));
            }
        }
    }

    /** A GitHub delivery's repository names the trace node of its pull request. */
    static void checkWebhookKeys(String id, JsonNode data) {
        key(
                id,
                "payload.repository.full_name",
                data.path("payload").path("repository").get("full_name"));
    }

    /**
     * Every string and field name of a document: the whole event, or data decoded from {@code
     * data_base64} (then {@code path} is {@code data}).
     */
    static void checkText(String id, JsonNode document, String path) {
        if (!storable(document)) {
            String where = firstUnstorable(document, path).orElseThrow();
            throw new InvalidObservation("event " + id + " has " + where + ", which PostgreSQL cannot store");
        }
    }

    private static void key(String id, String path, JsonNode value) {
        if (value == null || !value.isString()) {
            return;
        }
        int bytes = Limits.utf8Length(value.asString());
        if (bytes > Limits.MAX_KEY_BYTES) {
            throw new InvalidObservation("event " + id + ": " + Limits.printable(path, 200) + " is " + bytes
                    + " bytes; names, uids, kinds and label values the sensemaker indexes take at most "
                    + Limits.MAX_KEY_BYTES);
        }
    }

    /** The fast path: no allocation per node, no path kept. */
    private static boolean storable(JsonNode root) {
        Deque<JsonNode> todo = new ArrayDeque<>();
        todo.push(root);
        while (!todo.isEmpty()) {
            JsonNode node = todo.pop();
            if (node.isObject()) {
                for (Map.Entry<String, JsonNode> field : node.properties()) {
                    if (Limits.unstorable(field.getKey()).isPresent()) {
                        return false;
                    }
                    todo.push(field.getValue());
                }
            } else if (node.isArray()) {
                node.forEach(todo::push);
            } else if (node.isString() && Limits.unstorable(node.asString()).isPresent()) {
                return false;
            }
        }
        return true;
    }

    /** Only once something was found: what, and where. */
    private static Optional<String> firstUnstorable(JsonNode node, String path) {
        if (node.isObject()) {
            for (Map.Entry<String, JsonNode> field : node.properties()) {
                String child = path.isEmpty() ? field.getKey() : path + "." + field.getKey();
                Optional<String> inName = Limits.unstorable(field.getKey());
                if (inName.isPresent()) {
                    return Optional.of(
                            inName.get() + " in a field name under " + (path.isEmpty() ? "the event" : path));
                }
                Optional<String> found = firstUnstorable(field.getValue(), Limits.printable(child, 200));
                if (found.isPresent()) {
                    return found;
                }
            }
        } else if (node.isArray()) {
            int i = 0;
            for (JsonNode element : node) {
                Optional<String> found = firstUnstorable(element, path + "[" + i++ + "]");
                if (found.isPresent()) {
                    return found;
                }
            }
        } else if (node.isString()) {
            return Limits.unstorable(node.asString()).map(what -> what + " in " + path);
        }
        return Optional.empty();
    }
}
