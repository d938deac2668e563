package io.pipelinelens.contracts;

import java.util.Arrays;
import java.util.Optional;

/**
 * Every CloudEvent type in the catalog. Each has a JSON Schema for its {@code data} at {@link
 * #schemaResource()} and a complete structured-mode sample at {@link #sampleResource()}.
 */
public enum EventType {
    RESOURCE_APPLIED("io.pipelinelens.resource.applied.v1", Channel.OBSERVATIONS, "kubernetes-resource"),
    RESOURCE_DELETED("io.pipelinelens.resource.deleted.v1", Channel.OBSERVATIONS, "kubernetes-resource"),
    GIT_WEBHOOK_RECEIVED("io.pipelinelens.git.webhook.received.v1", Channel.OBSERVATIONS, "git-webhook"),

    PIPELINERUN_QUEUED("dev.cdevents.pipelinerun.queued.0.3.0", Channel.STATUS, "cdevent-pipelinerun-queued"),
    PIPELINERUN_STARTED("dev.cdevents.pipelinerun.started.0.3.0", Channel.STATUS, "cdevent-pipelinerun-started"),
    PIPELINERUN_FINISHED("dev.cdevents.pipelinerun.finished.0.3.0", Channel.STATUS, "cdevent-pipelinerun-finished"),
    TASKRUN_STARTED("dev.cdevents.taskrun.started.0.3.0", Channel.STATUS, "cdevent-taskrun-started"),
    TASKRUN_FINISHED("dev.cdevents.taskrun.finished.0.3.0", Channel.STATUS, "cdevent-taskrun-finished"),
    CHANGE_MERGED("dev.cdevents.change.merged.0.3.0", Channel.STATUS, "cdevent-change-merged"),
    ARTIFACT_PUBLISHED("dev.cdevents.artifact.published.0.3.0", Channel.STATUS, "cdevent-artifact-published"),
    SERVICE_DEPLOYED("dev.cdevents.service.deployed.0.3.0", Channel.STATUS, "cdevent-service-deployed"),

    PIPELINE_BROKEN("io.pipelinelens.pipeline.broken.v1", Channel.STATUS, "pipeline-outcome-changed"),
    PIPELINE_RECOVERED("io.pipelinelens.pipeline.recovered.v1", Channel.STATUS, "pipeline-outcome-changed"),
    PIPELINE_SLOWER("io.pipelinelens.pipeline.slower.v1", Channel.STATUS, "pipeline-slower"),
    PIPELINE_FLAKY("io.pipelinelens.pipeline.flaky.v1", Channel.STATUS, "pipeline-flaky"),
    TRACE_READY("io.pipelinelens.trace.ready.v1", Channel.STATUS, "trace-ready");

    private final String type;
    private final Channel channel;
    private final String schema;

    EventType(String type, Channel channel, String schema) {
        this.type = type;
        this.channel = channel;
        this.schema = schema;
    }

    /** The CloudEvents {@code type} attribute. */
    public String type() {
        return type;
    }

    public Channel channel() {
        return channel;
    }

    /** Classpath location of the JSON Schema that {@code data} must satisfy. */
    public String schemaResource() {
        return "catalog/schemas/" + schema + ".schema.json";
    }

    /** Classpath location of a complete structured-mode CloudEvent sample of this type. */
    public String sampleResource() {
        return "catalog/samples/" + type + ".json";
    }

    public static Optional<EventType> of(String type) {
        return Arrays.stream(values()).filter(t -> t.type.equals(type)).findFirst();
    }
}
