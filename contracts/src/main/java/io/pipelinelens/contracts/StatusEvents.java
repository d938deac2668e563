package io.pipelinelens.contracts;

/** Identity and keying of the sensemaker's status events on {@link Channel#STATUS}. */
public final class StatusEvents {

    private StatusEvents() {}

    /**
     * Deterministic id {@code <subject uid>/<type>}: the same run reaching the same state yields the
     * same id on every replica and after every restart, so consumers dedupe re-publications.
     */
    public static String id(String subjectUid, EventType type) {
        ResourceEvents.requireText(subjectUid, "subjectUid");
        return subjectUid + "/" + type.type();
    }

    /** {@code /sensemaker/<cluster>}. */
    public static String source(String cluster) {
        ResourceEvents.requireText(cluster, "cluster");
        return "/sensemaker/" + cluster;
    }

    /**
     * Kafka record key {@code <namespace>/<pipeline>}: every event of one pipeline lands on one
     * partition and so stays in order.
     */
    public static String key(String namespace, String pipeline) {
        ResourceEvents.requireText(namespace, "namespace");
        ResourceEvents.requireText(pipeline, "pipeline");
        return namespace + "/" + pipeline;
    }
}
