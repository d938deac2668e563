package io.pipelinelens.sensemaker.tracing.internal;

import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.MissingNode;

/**
 * Reads what tracing needs from a Tekton PipelineRun (v1 or v1beta1) as the Kubernetes API serves
 * it. Field names and label keys are the ones listed in DESIGN §3 and the fixtures' README.
 */
record PipelineRunView(JsonNode run) {

    /** A pipeline task Tekton decided not to run, and why ({@code null} when Tekton did not say). */
    record SkippedTask(String name, String reason) {}

    static final String EVENT_GUID = "event-GUID";
    static final String LIGHTHOUSE = "lighthouse.jenkins-x.io/";

    String uid() {
        return metadata().path("uid").asString();
    }

    String namespace() {
        return metadata().path("namespace").asString("default");
    }

    String name() {
        return metadata().path("name").asString();
    }

    /** The Succeeded condition decides: True, False (with a reason) or Unknown while running. */
    boolean finished() {
        String status = succeeded().path("status").asString("");
        return "True".equals(status) || "False".equals(status);
    }

    /** The OpenTelemetry {@code cicd.pipeline.result} of a finished run. */
    String result() {
        JsonNode condition = succeeded();
        if ("True".equals(condition.path("status").asString(""))) {
            return "success";
        }
        String reason = condition.path("reason").asString("");
        return switch (reason) {
            case "Failed" -> "failure";
            case "PipelineRunTimeout", "TaskRunTimeout", "Timeout" -> "timeout";
            case "Cancelled", "PipelineRunCancelled", "CancelledRunFinally", "StoppedRunFinally" -> "cancellation";
            default -> "error";
        };
    }

    String reason() {
        return succeeded().path("reason").asString(null);
    }

    String message() {
        return succeeded().path("message").asString(null);
    }

    Optional<Instant> startTime() {
        return instant(run.path("status").path("startTime"));
    }

    Optional<Instant> completionTime() {
        return instant(run.path("status").path("completionTime"));
    }

    Optional<Instant> creationTimestamp() {
        return instant(metadata().path("creationTimestamp"));
    }

    /**
     * The tasks of {@code status.skippedTasks}, in Tekton's order. Tekton v1 gives each a reason;
     * older v1beta1 runs list only the name (and the when expressions).
     */
    List<SkippedTask> skippedTasks() {
        List<SkippedTask> skipped = new ArrayList<>();
        for (JsonNode task : run.path("status").path("skippedTasks")) {
            String name = task.path("name").asString("");
            if (!name.isBlank()) {
                String reason = task.path("reason").asString("");
                skipped.add(new SkippedTask(name, reason.isBlank() ? null : reason));
            }
        }
        return skipped;
    }

    /**
     * A low-cardinality pipeline name: the Lighthouse job (or, for Jenkins X 2 runs, the context)
     * of its repository, else the referenced Pipeline, else the run's generateName — never a name
     * generated for this one run (jx 2 generates a Pipeline per run and names it like the run).
     */
    String pipeline() {
        String job = label(LIGHTHOUSE + "job");
        if (job == null) {
            job = label(LIGHTHOUSE + "context");
        }
        String org = label(LIGHTHOUSE + "refs.org");
        String repo = label(LIGHTHOUSE + "refs.repo");
        if (job != null && org != null && repo != null) {
            return org + "/" + repo + "/" + job;
        }
        if (job != null) {
            return job;
        }
        String ref = run.path("spec").path("pipelineRef").path("name").asString(null);
        if (ref != null && !ref.isBlank() && !ref.equals(name())) {
            return ref;
        }
        String generateName = metadata().path("generateName").asString(null);
        if (generateName != null && !generateName.isBlank()) {
            return generateName.replaceAll("-+$", "");
        }
        return name();
    }

    String eventGuid() {
        return label(EVENT_GUID);
    }

    /** The uid of the owning LighthouseJob, when the owner reference carries one. */
    Optional<String> lighthouseJobUid() {
        for (JsonNode owner : metadata().path("ownerReferences")) {
            if ("LighthouseJob".equals(owner.path("kind").asString(""))) {
                String uid = owner.path("uid").asString("");
                if (!uid.isBlank()) {
                    return Optional.of(uid);
                }
            }
        }
        return Optional.empty();
    }

    String repositoryUrl() {
        String clone =
                metadata().path("annotations").path(LIGHTHOUSE + "cloneURI").asString(null);
        return clone != null && !clone.isBlank() ? clone : param("REPO_URL");
    }

    String branch() {
        String branch = label(LIGHTHOUSE + "branch");
        return branch != null ? branch : param("PULL_BASE_REF");
    }

    String revision() {
        String sha = label(LIGHTHOUSE + "lastCommitSHA");
        if (sha != null) {
            return sha;
        }
        String pull = param("PULL_PULL_SHA");
        return pull != null ? pull : param("PULL_BASE_SHA");
    }

    String changeId() {
        String pull = label(LIGHTHOUSE + "refs.pull");
        return pull != null ? pull : param("PULL_NUMBER");
    }

    String label(String key) {
        String value = metadata().path("labels").path(key).asString(null);
        return value == null || value.isBlank() ? null : value;
    }

    /** The last non-empty value of a param: Lighthouse lists some params twice, empty first. */
    String param(String name) {
        String found = null;
        for (JsonNode param : run.path("spec").path("params")) {
            if (name.equals(param.path("name").asString(""))) {
                String value = param.path("value").asString("");
                if (!value.isBlank()) {
                    found = value;
                }
            }
        }
        return found;
    }

    private JsonNode metadata() {
        return run.path("metadata");
    }

    private JsonNode succeeded() {
        for (JsonNode condition : run.path("status").path("conditions")) {
            if ("Succeeded".equals(condition.path("type").asString(""))) {
                return condition;
            }
        }
        return MissingNode.getInstance();
    }

    private static Optional<Instant> instant(JsonNode node) {
        String text = node.asString("");
        if (text.isBlank()) {
            return Optional.empty();
        }
        try {
            return Optional.of(Instant.parse(text));
        } catch (DateTimeParseException e) {
            return Optional.empty();
        }
    }
}
