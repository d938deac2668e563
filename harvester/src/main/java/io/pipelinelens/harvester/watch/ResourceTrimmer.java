package io.pipelinelens.harvester.watch;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.pipelinelens.harvester.HarvesterProperties;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * Shapes a Kubernetes object for publication: {@code metadata.managedFields} and the configured
 * bulky paths always go; an object still over the size cap loses the oversize paths one by one,
 * then everything but its identity and status summary. Nothing is ever dropped whole.
 */
public class ResourceTrimmer {

    /** What survives the last resort: enough to identify the object and correlate it. */
    private static final Set<String> SKELETON_METADATA = Set.of(
            "name",
            "namespace",
            "uid",
            "resourceVersion",
            "generation",
            "creationTimestamp",
            "deletionTimestamp",
            "labels",
            "ownerReferences");

    private static final Set<String> SKELETON_STATUS = Set.of(
            "conditions", "startTime", "completionTime", "podName", "phase", "state", "childReferences", "activity");

    private final ObjectMapper json;
    private final long maxBytes;
    private final List<String[]> removePaths;
    private final List<String[]> oversizePaths;

    public ResourceTrimmer(ObjectMapper json, HarvesterProperties.Trim trim) {
        this.json = json;
        this.maxBytes = trim.maxSize().toBytes();
        this.removePaths =
                trim.removePaths().stream().map(ResourceTrimmer::pointer).toList();
        this.oversizePaths =
                trim.oversizePaths().stream().map(ResourceTrimmer::pointer).toList();
    }

    /** The trimmed object as it will be published. */
    public record Trimmed(ObjectNode object, boolean trimmed, int size) {}

    /** Trims a copy; the argument is left untouched. */
    public Trimmed trim(ObjectNode original) {
        ObjectNode object = original.deepCopy();
        if (object.get("metadata") instanceof ObjectNode metadata) {
            metadata.remove("managedFields");
        }
        for (String[] path : removePaths) {
            remove(object, path, 0);
        }
        int size = size(object);
        if (size <= maxBytes) {
            return new Trimmed(object, false, size);
        }
        for (String[] path : oversizePaths) {
            if (remove(object, path, 0)) {
                size = size(object);
                if (size <= maxBytes) {
                    return new Trimmed(object, true, size);
                }
            }
        }
        ObjectNode skeleton = skeleton(object, true);
        size = size(skeleton);
        if (size > maxBytes) {
            // Even the labels do not fit: identity alone.
            skeleton = skeleton(object, false);
            size = size(skeleton);
        }
        return new Trimmed(skeleton, true, size);
    }

    private ObjectNode skeleton(ObjectNode object, boolean withStatus) {
        ObjectNode skeleton = json.createObjectNode();
        copy(object, skeleton, "apiVersion");
        copy(object, skeleton, "kind");
        if (object.get("metadata") instanceof ObjectNode metadata) {
            ObjectNode kept = skeleton.putObject("metadata");
            metadata.properties().forEach(field -> {
                boolean wanted =
                        SKELETON_METADATA.contains(field.getKey()) && (withStatus || !"labels".equals(field.getKey()));
                if (wanted) {
                    kept.set(field.getKey(), field.getValue());
                }
            });
        }
        if (withStatus && object.get("status") instanceof ObjectNode status) {
            ObjectNode kept = skeleton.putObject("status");
            status.properties().forEach(field -> {
                if (SKELETON_STATUS.contains(field.getKey())) {
                    kept.set(field.getKey(), field.getValue());
                }
            });
        }
        if (withStatus) {
            copy(object, skeleton, "involvedObject");
            copy(object, skeleton, "reason");
        }
        return skeleton;
    }

    private static void copy(ObjectNode from, ObjectNode to, String field) {
        if (from.has(field)) {
            to.set(field, from.get(field));
        }
    }

    private int size(JsonNode node) {
        try {
            return json.writeValueAsBytes(node).length;
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a JSON tree always serializes", e);
        }
    }

    /** Removes what {@code path} names below {@code node}; {@code *} matches every element or field. */
    private static boolean remove(JsonNode node, String[] path, int depth) {
        String segment = path[depth];
        boolean last = depth == path.length - 1;
        if ("*".equals(segment)) {
            List<JsonNode> children = new ArrayList<>();
            node.forEach(children::add);
            if (last) {
                boolean any = !children.isEmpty();
                if (node instanceof ObjectNode o) {
                    o.removeAll();
                } else if (node instanceof ArrayNode a) {
                    a.removeAll();
                }
                return any;
            }
            boolean any = false;
            for (JsonNode child : children) {
                any |= remove(child, path, depth + 1);
            }
            return any;
        }
        if (node instanceof ObjectNode object) {
            if (last) {
                return object.remove(segment) != null;
            }
            JsonNode child = object.get(segment);
            return child != null && remove(child, path, depth + 1);
        }
        if (node instanceof ArrayNode array && segment.chars().allMatch(Character::isDigit) && !segment.isEmpty()) {
            int index = Integer.parseInt(segment);
            if (index >= array.size()) {
                return false;
            }
            if (last) {
                array.remove(index);
                return true;
            }
            return remove(array.get(index), path, depth + 1);
        }
        return false;
    }

    /** RFC 6901 JSON Pointer to segments ({@code ~1} is {@code /}, {@code ~0} is {@code ~}). */
    static String[] pointer(String pointer) {
        if (pointer == null || !pointer.startsWith("/") || pointer.length() < 2) {
            throw new IllegalArgumentException("Not a JSON Pointer to a field: '" + pointer + "'");
        }
        String[] segments = pointer.substring(1).split("/", -1);
        for (int i = 0; i < segments.length; i++) {
            segments[i] = segments[i].replace("~1", "/").replace("~0", "~");
        }
        return segments;
    }
}
