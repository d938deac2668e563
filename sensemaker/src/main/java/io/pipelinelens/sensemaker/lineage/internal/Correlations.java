package io.pipelinelens.sensemaker.lineage.internal;

import io.pipelinelens.sensemaker.ingest.KubeObject;
import io.pipelinelens.sensemaker.lineage.CorrelationKey;
import io.pipelinelens.sensemaker.lineage.NodeKind;
import io.pipelinelens.sensemaker.lineage.PullRequestLinks;
import io.pipelinelens.sensemaker.lineage.TraceIds;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import tools.jackson.databind.JsonNode;

/**
 * The parent lookup of DESIGN §3, strongest key first, for every kind that becomes a node of a
 * trace. Pods and Kubernetes Events are details of a node, not nodes: a pod of its TaskRun, an
 * Event of the TaskRun or PipelineRun it is about, or of its pod's TaskRun.
 */
final class Correlations {

    static final Set<String> NODE_KINDS = Set.of("LighthouseJob", "PipelineRun", "TaskRun", "PipelineActivity");
    static final String LIGHTHOUSE = "lighthouse.jenkins-x.io/";
    static final String EVENT_GUID = "event-GUID";

    private Correlations() {}

    static Optional<NodeFacts> of(KubeObject object, boolean deleted) {
        return switch (object.kind()) {
            case "LighthouseJob" -> Optional.of(lighthouseJob(object, deleted));
            case "PipelineRun" -> Optional.of(pipelineRun(object, deleted));
            case "TaskRun" -> Optional.of(taskRun(object, deleted));
            case "PipelineActivity" -> Optional.of(pipelineActivity(object, deleted));
            default -> Optional.empty();
        };
    }

    /** A synthesized root (a git event, a Triggers event): its node is created on demand. */
    static NodeFacts root(CorrelationKey key) {
        return switch (key) {
            case CorrelationKey.GitEvent git ->
                new NodeFacts(
                        git.rootKey(),
                        NodeKind.GIT_EVENT,
                        null,
                        git.guid(),
                        null,
                        List.of(),
                        git.rootKey(),
                        null,
                        List.of(new CorrelationKey.Uid(git.rootKey())),
                        false);
            case CorrelationKey.TriggersEvent triggers ->
                new NodeFacts(
                        triggers.rootKey(),
                        NodeKind.TRIGGERS_EVENT,
                        null,
                        triggers.eventId(),
                        null,
                        List.of(),
                        triggers.rootKey(),
                        null,
                        List.of(new CorrelationKey.Uid(triggers.rootKey())),
                        false);
            default -> throw new IllegalArgumentException("not a synthesized root: " + key);
        };
    }

    /**
     * A GitHub pull request, from its newest delivery. An environment PR's body links the
     * application PRs it promotes (DESIGN §3, last row): the first is its parent, and a PR that
     * links none starts its own trace.
     */
    static Optional<NodeFacts> pullRequest(JsonNode payload) {
        JsonNode pr = payload.path("pull_request");
        String repository = KubeObject.text(payload.path("repository").path("full_name"));
        if (repository == null || !pr.path("number").isNumber()) {
            return Optional.empty();
        }
        String uid = pullRequestUid(repository, pr.path("number").asLong());
        List<String> linked = PullRequestLinks.linked(uid, KubeObject.text(pr.path("body")));
        List<CorrelationKey> parents =
                linked.isEmpty() ? List.of() : List.of(new CorrelationKey.Uid(linked.getFirst()));
        return Optional.of(new NodeFacts(
                uid,
                NodeKind.PULL_REQUEST,
                null,
                repository + "#" + pr.path("number").asLong(),
                KubeObject.instant(pr.path("created_at")).orElse(null),
                parents,
                parents.isEmpty() ? uid : null,
                null,
                List.of(new CorrelationKey.Uid(uid)),
                "closed".equals(pr.path("state").asString(""))));
    }

    static String pullRequestUid(String repository, long number) {
        return PullRequestLinks.uid(repository, number);
    }

    private static NodeFacts lighthouseJob(KubeObject job, boolean deleted) {
        List<CorrelationKey> parents = new ArrayList<>();
        gitEvent(job).ifPresent(parents::add);
        List<CorrelationKey> keys = baseKeys(job);
        lighthouseKey(job).ifPresent(keys::add);
        String state = job.path("status", "state").asString("");
        boolean terminal =
                deleted || Set.of("success", "failure", "error", "aborted").contains(state);
        return facts(job, parents, null, keys, terminal);
    }

    private static NodeFacts pipelineRun(KubeObject run, boolean deleted) {
        List<CorrelationKey> parents = new ArrayList<>();
        run.ownerUid("LighthouseJob").map(CorrelationKey.Uid::new).ifPresent(parents::add);
        String jobName = run.label(LIGHTHOUSE + "id");
        if (jobName != null) {
            parents.add(new CorrelationKey.Name("LighthouseJob", run.namespace(), jobName));
        }
        lighthouseKey(run).ifPresent(parents::add);
        String triggersEvent = run.label("triggers.tekton.dev/triggers-eventid");
        if (parents.isEmpty() && triggersEvent != null) {
            parents.add(new CorrelationKey.TriggersEvent(triggersEvent));
        }
        List<CorrelationKey> keys = baseKeys(run);
        activityKey(run).ifPresent(keys::add);
        return facts(run, parents, gitEvent(run).orElse(null), keys, deleted || finished(run));
    }

    private static NodeFacts taskRun(KubeObject taskRun, boolean deleted) {
        List<CorrelationKey> parents = new ArrayList<>();
        taskRun.ownerUid("PipelineRun").map(CorrelationKey.Uid::new).ifPresent(parents::add);
        String runUid = taskRun.label("tekton.dev/pipelineRunUID");
        if (runUid != null) {
            parents.add(new CorrelationKey.Uid(runUid));
        }
        String runName = taskRun.label("tekton.dev/pipelineRun");
        if (runName != null) {
            parents.add(new CorrelationKey.Name("PipelineRun", taskRun.namespace(), runName));
        }
        return facts(taskRun, parents, gitEvent(taskRun).orElse(null), baseKeys(taskRun), deleted || finished(taskRun));
    }

    private static NodeFacts pipelineActivity(KubeObject activity, boolean deleted) {
        List<CorrelationKey> parents = new ArrayList<>();
        activityKey(activity).ifPresent(parents::add);
        String status = activity.path("spec", "status").asString("");
        boolean terminal =
                deleted || Set.of("Succeeded", "Failed", "Error", "Aborted").contains(status);
        return facts(activity, parents, gitEvent(activity).orElse(null), baseKeys(activity), terminal);
    }

    private static NodeFacts facts(
            KubeObject object,
            List<CorrelationKey> parents,
            CorrelationKey.GitEvent fallback,
            List<CorrelationKey> keys,
            boolean terminal) {
        String own = parents.isEmpty() ? TraceIds.resourceRoot(object.uid()) : null;
        return new NodeFacts(
                object.uid(),
                NodeKind.ofStored(object.kind()),
                object.namespace(),
                object.name(),
                object.creationTimestamp().orElse(null),
                parents,
                own,
                fallback,
                keys,
                terminal);
    }

    private static List<CorrelationKey> baseKeys(KubeObject object) {
        List<CorrelationKey> keys = new ArrayList<>();
        keys.add(new CorrelationKey.Uid(object.uid()));
        keys.add(new CorrelationKey.Name(object.kind(), object.namespace(), object.name()));
        return keys;
    }

    /** The git event a resource names (label {@code event-GUID}). */
    private static Optional<CorrelationKey.GitEvent> gitEvent(KubeObject object) {
        return Optional.ofNullable(object.label(EVENT_GUID)).map(CorrelationKey.GitEvent::new);
    }

    /**
     * The Lighthouse job a PipelineRun belongs to, by the labels both carry (DESIGN §3): repository,
     * branch, context and build number. A build number is only unique within a branch and a job
     * (Jenkins X names the activity {@code <owner>-<repo>-<branch>-<build>}), and sibling jobs of
     * one git event share it: the context tells them apart.
     */
    private static Optional<CorrelationKey> lighthouseKey(KubeObject object) {
        String org = object.label(LIGHTHOUSE + "refs.org");
        String repo = object.label(LIGHTHOUSE + "refs.repo");
        String branch = object.label(LIGHTHOUSE + "branch");
        String context = first(object.label(LIGHTHOUSE + "context"), object.label(LIGHTHOUSE + "job"));
        String build = object.label(LIGHTHOUSE + "buildNum");
        if (org == null || repo == null || branch == null || context == null || build == null) {
            return Optional.empty();
        }
        return Optional.of(new CorrelationKey.LighthouseBuild(object.namespace(), org, repo, branch, context, build));
    }

    /**
     * The build a PipelineActivity and its PipelineRun share: same repository, branch and build
     * number (Jenkins X names the activity {@code <owner>-<repo>-<branch>-<build>}).
     */
    private static Optional<CorrelationKey> activityKey(KubeObject object) {
        String org = first(object.label(LIGHTHOUSE + "refs.org"), object.label("owner"));
        String repo = first(object.label(LIGHTHOUSE + "refs.repo"), object.label("repository"));
        String branch = first(object.label(LIGHTHOUSE + "branch"), object.label("branch"));
        String build = first(object.label(LIGHTHOUSE + "buildNum"), object.label("build"));
        if (org == null || repo == null || branch == null || build == null) {
            return Optional.empty();
        }
        return Optional.of(new CorrelationKey.ActivityBuild(object.namespace(), org, repo, branch, build));
    }

    static boolean finished(KubeObject object) {
        String status = object.condition("Succeeded").path("status").asString("");
        return ("True".equals(status) || "False".equals(status))
                && KubeObject.instant(object.path("status", "completionTime")).isPresent();
    }

    private static String first(String a, String b) {
        return a != null ? a : b;
    }
}
