package io.pipelinelens.sensemaker.status;

import io.pipelinelens.contracts.EventType;
import io.pipelinelens.contracts.StatusEvents;
import io.pipelinelens.sensemaker.Observations;
import java.time.Instant;
import java.util.UUID;
import org.springframework.amqp.core.Message;
import tools.jackson.databind.node.ObjectNode;

/**
 * Finished PipelineRuns of one pipeline, built from a real fixture: each has a uid and name of its
 * own and completes a minute after the previous one. They carry no Lighthouse job or git event to
 * wait for, so each becomes a trace of its own as soon as it settled.
 */
final class FinishedRuns {

    private static final Instant FIRST_COMPLETION = Instant.parse("2026-11-30T10:00:00Z");
    private static final String NAMESPACE = "jx";

    /** One run: what its status event is keyed and identified by. */
    record Run(String uid, String key, String eventId, Instant completedAt, Message observation) {}

    private final String pipeline;
    private int count;

    FinishedRuns(String pipeline) {
        this.pipeline = pipeline;
    }

    String key() {
        return StatusEvents.key(NAMESPACE, pipeline);
    }

    /** The next run of the pipeline, succeeded after every run made before. */
    Run next() {
        return next(null);
    }

    /** The next run of the pipeline, failed with the given reason after every run made before. */
    Run nextFailed(String message) {
        return next(message);
    }

    private Run next(String failure) {
        int n = ++count;
        String uid = UUID.randomUUID().toString();
        Instant completed = FIRST_COMPLETION.plusSeconds(60L * n);
        ObjectNode run = Observations.fixture("tekton/pipelinerun-v1-lighthouse-presubmit-succeeded.yaml");
        ObjectNode metadata = run.withObject("metadata");
        metadata.remove("ownerReferences");
        metadata.remove("annotations");
        metadata.put("uid", uid)
                .put("name", pipeline + "-" + n)
                .put("namespace", NAMESPACE)
                .put("resourceVersion", "1")
                .put("creationTimestamp", completed.minusSeconds(50).toString());
        ObjectNode labels = metadata.withObject("labels");
        labels.removeAll();
        labels.put("lighthouse.jenkins-x.io/job", pipeline); // the pipeline's name, nothing to correlate by
        ObjectNode status = run.withObject("status");
        status.remove("childReferences");
        status.put("startTime", completed.minusSeconds(40).toString()).put("completionTime", completed.toString());
        ObjectNode condition = (ObjectNode) status.path("conditions").get(0);
        condition.put("lastTransitionTime", completed.toString());
        if (failure != null) {
            condition.put("status", "False").put("reason", "Failed").put("message", failure);
        }
        return new Run(
                uid, key(), StatusEvents.id(uid, EventType.PIPELINERUN_FINISHED), completed, Observations.applied(run));
    }
}
