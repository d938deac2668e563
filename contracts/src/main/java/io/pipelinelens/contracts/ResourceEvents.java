package io.pipelinelens.contracts;

import java.util.Locale;
import java.util.Objects;

/**
 * Identity and routing of {@link EventType#RESOURCE_APPLIED} and {@link EventType#RESOURCE_DELETED}:
 * one event per observed change of a Kubernetes object.
 */
public final class ResourceEvents {

    /** CloudEvent extension set to {@code true} when the harvester trimmed the object to fit the size cap. */
    public static final String TRIMMED_EXTENSION = "pltrimmed";

    private ResourceEvents() {}

    public enum Action {
        APPLIED,
        DELETED;

        public EventType type() {
            return this == APPLIED ? EventType.RESOURCE_APPLIED : EventType.RESOURCE_DELETED;
        }

        String word() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /**
     * Deterministic id: {@code <uid>/<resourceVersion>}, with {@code /deleted} appended for a
     * deletion. A re-list or a restart observes the same version again and so yields the same id,
     * which consumers dedupe; the suffix keeps a deletion distinct from the last applied state,
     * which can carry the same resourceVersion.
     */
    public static String id(Action action, String uid, String resourceVersion) {
        requireText(uid, "uid");
        requireText(resourceVersion, "resourceVersion");
        return action == Action.DELETED ? uid + "/" + resourceVersion + "/deleted" : uid + "/" + resourceVersion;
    }

    /** {@code /clusters/<cluster>}: the cluster the harvester watches, by its configured name. */
    public static String source(String cluster) {
        requireText(cluster, "cluster");
        return "/clusters/" + cluster;
    }

    /**
     * kubectl-style {@code <kind>[.<group>]/<namespace>/<name>}, e.g. {@code
     * PipelineRun.tekton.dev/jx/build-1} or {@code Pod/jx/build-1-pod}; cluster-scoped objects omit
     * the namespace segment.
     */
    public static String subject(String apiVersion, String kind, String namespace, String name) {
        requireText(kind, "kind");
        requireText(name, "name");
        String group = group(apiVersion);
        String qualifiedKind = group.isEmpty() ? kind : kind + "." + group;
        return namespace == null || namespace.isBlank()
                ? qualifiedKind + "/" + name
                : qualifiedKind + "/" + namespace + "/" + name;
    }

    /** RabbitMQ routing key {@code resource.<applied|deleted>.<kind, lower case>}, e.g. {@code resource.applied.pipelinerun}. */
    public static String routingKey(Action action, String kind) {
        requireText(kind, "kind");
        return "resource." + action.word() + "." + kind.toLowerCase(Locale.ROOT);
    }

    /** The API group of an {@code apiVersion}: {@code tekton.dev} for {@code tekton.dev/v1}, empty for core {@code v1}. */
    public static String group(String apiVersion) {
        Objects.requireNonNull(apiVersion, "apiVersion");
        int slash = apiVersion.indexOf('/');
        return slash < 0 ? "" : apiVersion.substring(0, slash);
    }

    static void requireText(String value, String name) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(name + " must not be blank");
        }
    }
}
