package io.pipelinelens.sensemaker.status.internal;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.core.provider.EventFormatProvider;
import io.cloudevents.jackson.JsonFormat;
import io.pipelinelens.contracts.EventType;
import io.pipelinelens.contracts.StatusEvents;
import io.pipelinelens.sensemaker.history.HistoricRun;
import io.pipelinelens.sensemaker.history.PipelineBroke;
import io.pipelinelens.sensemaker.history.PipelineFlaky;
import io.pipelinelens.sensemaker.history.PipelineRecovered;
import io.pipelinelens.sensemaker.history.PipelineSlower;
import io.pipelinelens.sensemaker.history.PipelineSlower.Comparison;
import java.net.URI;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Locale;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Builds Pipeline Lens' own status events about the run history ({@code broken}, {@code recovered},
 * {@code slower}, {@code flaky}; schemas in the contracts catalog). Id {@code <run uid>/<type>}, time
 * the run's completion, key the run's namespace and pipeline, like its {@code pipelinerun.finished}.
 */
@Component
class HistoryStatusEvents {

    private final StatusProperties properties;
    private final JsonMapper json;

    HistoryStatusEvents(StatusProperties properties, JsonMapper json) {
        this.properties = properties;
        this.json = json;
    }

    StatusEvent broken(PipelineBroke broke) {
        ObjectNode data = identity(broke.run());
        data.put("outcome", "broken");
        data.set("run", run(broke.run()));
        broke.lastSuccess().ifPresent(last -> data.set("lastSuccess", run(last)));
        data.set("commits", strings(broke.commits()));
        return event(EventType.PIPELINE_BROKEN, broke.run(), data);
    }

    StatusEvent recovered(PipelineRecovered recovered) {
        ObjectNode data = identity(recovered.run());
        data.put("outcome", "recovered");
        data.set("run", run(recovered.run()));
        recovered.failingSince().ifPresent(first -> data.set("failingSince", run(first)));
        data.put("failedRuns", recovered.failedRuns());
        data.set("commits", strings(recovered.commits()));
        return event(EventType.PIPELINE_RECOVERED, recovered.run(), data);
    }

    StatusEvent slower(PipelineSlower slower) {
        Comparison run = slower.comparison();
        ObjectNode data = identity(slower.run());
        data.set("run", run(slower.run()));
        comparison(data, run);
        data.put("minimumMs", slower.minimum().toMillis());
        data.put("runSlower", slower.runSlower());
        ArrayNode tasks = data.putArray("tasks");
        for (Comparison task : slower.tasks()) {
            ObjectNode node = tasks.addObject();
            node.put("task", task.name());
            comparison(node, task);
        }
        return event(EventType.PIPELINE_SLOWER, slower.run(), data);
    }

    StatusEvent flaky(PipelineFlaky flaky) {
        ObjectNode data = identity(flaky.run());
        data.put("revision", flaky.run().revision());
        data.set("run", run(flaky.run()));
        data.set("tasks", strings(flaky.tasks()));
        ArrayNode failed = data.putArray("failedRuns");
        flaky.failedBefore().forEach(r -> failed.add(run(r)));
        return event(EventType.PIPELINE_FLAKY, flaky.run(), data);
    }

    private void comparison(ObjectNode node, Comparison c) {
        node.put("durationMs", c.duration().toMillis());
        node.put("baselineMs", c.median().toMillis());
        node.put("baselineRuns", c.runs());
        node.put("p90Ms", c.p90().toMillis());
        node.put("thresholdMs", c.threshold().toMillis());
        node.put("waitingMs", c.waiting().toMillis());
        node.put("runningMs", c.running().toMillis());
        node.put("baselineWaitingMs", c.medianWaiting().toMillis());
        node.put("baselineRunningMs", c.medianRunning().toMillis());
        node.put("grew", c.grew().name().toLowerCase(Locale.ROOT));
    }

    private ObjectNode identity(HistoricRun run) {
        ObjectNode data = json.createObjectNode();
        data.put("namespace", run.namespace());
        data.put("pipeline", run.pipeline());
        data.put("repository", run.repository());
        data.put("branch", run.branch());
        return data;
    }

    private ObjectNode run(HistoricRun run) {
        ObjectNode node = json.createObjectNode();
        node.put("runUid", run.uid());
        node.put("pipelineRun", run.name());
        node.put("result", run.result());
        node.put("traceId", run.traceId());
        node.put("traceUrl", properties.status().traceUrlTemplate().replace("{traceId}", run.traceId()));
        node.put("url", run.url());
        node.put("createdTime", text(run.createdAt()));
        node.put("startTime", text(run.startedAt()));
        node.put("completionTime", text(run.completedAt()));
        node.put("durationMs", run.duration().isNegative() ? 0 : run.duration().toMillis());
        node.put("revision", run.revision());
        run.failure().ifPresent(f -> {
            ObjectNode failure = node.putObject("failure");
            failure.put("task", f.task());
            failure.put("step", f.step());
            failure.put("reason", f.reason());
            failure.put("exitCode", f.exitCode());
            failure.put("message", f.message());
        });
        return node;
    }

    private ArrayNode strings(List<String> values) {
        ArrayNode array = json.createArrayNode();
        values.forEach(array::add);
        return array;
    }

    private StatusEvent event(EventType type, HistoricRun run, ObjectNode data) {
        String id = StatusEvents.id(run.uid(), type);
        String source = StatusEvents.source(properties.cluster());
        Instant time = run.completedAt();
        CloudEvent event = CloudEventBuilder.v1()
                .withId(id)
                .withSource(URI.create(source))
                .withType(type.type())
                .withSubject(run.namespace() + "/" + run.name())
                .withTime(time.atOffset(ZoneOffset.UTC))
                .withDataContentType("application/json")
                .withData(json.writeValueAsBytes(data))
                .build();
        byte[] value = EventFormatProvider.getInstance()
                .resolveFormat(JsonFormat.CONTENT_TYPE)
                .serialize(event);
        return new StatusEvent(StatusEvents.key(run.namespace(), run.pipeline()), id, type.type(), time, value);
    }

    private static String text(Instant instant) {
        return instant == null ? null : instant.toString();
    }
}
