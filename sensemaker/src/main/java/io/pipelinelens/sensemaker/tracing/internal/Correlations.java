package io.pipelinelens.sensemaker.tracing.internal;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
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
    static final String PULL_REQUEST = "PullRequest";

    private static final Pattern PULL_REQUEST_LINK =
            Pattern.compile("https://github\\.com/([A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+)/pull/(\\d+)");

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

    /** A git event (webhook delivery GUID) is a root; its node is created on demand. */
    static NodeFacts gitEvent(String guid) {
        String key = TraceIds.gitEventRoot(guid);
        return new NodeFacts(key, "GitEvent", null, guid, TraceIds.spanId(key), List.of(), key, null, List.of(), false);
    }

    /** A Tekton Triggers event is a root too. */
    static NodeFacts triggersEvent(String eventId) {
        String key = TraceIds.triggersRoot(eventId);
        return new NodeFacts(
                key, "TriggersEvent", null, eventId, TraceIds.spanId(key), List.of(), key, null, List.of(), false);
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
        List<String> linked = linkedPullRequests(uid, KubeObject.text(pr.path("body")));
        List<String> parents = linked.isEmpty() ? List.of() : List.of(NodeFacts.uidKey(linked.getFirst()));
        return Optional.of(new NodeFacts(
                uid,
                PULL_REQUEST,
                null,
                repository + "#" + pr.path("number").asLong(),
                TraceIds.spanId(uid),
                parents,
                parents.isEmpty() ? uid : null,
                null,
                List.of(NodeFacts.uidKey(uid)),
                "closed".equals(pr.path("state").asString(""))));
    }

    /** GitHub names are case-insensitive, and a PR body may spell them either way. */
    static String pullRequestUid(String repository, long number) {
        return TraceIds.pullRequest(repository.toLowerCase(Locale.ROOT), number);
    }

    /** The uids of the pull requests a PR body links, in order, without {@code self}. */
    static List<String> linkedPullRequests(String self, String body) {
        if (body == null) {
            return List.of();
        }
        Set<String> linked = new LinkedHashSet<>();
        Matcher link = PULL_REQUEST_LINK.matcher(body);
        while (link.find()) {
            try {
                linked.add(pullRequestUid(link.group(1), Long.parseLong(link.group(2))));
            } catch (NumberFormatException e) {
                // Not a pull request number anyone can have.
            }
        }
        linked.remove(self);
        return List.copyOf(linked);
    }

    static NodeFacts root(String rootKey) {
        if (rootKey.startsWith("git-event:")) {
            return gitEvent(rootKey.substring("git-event:".length()));
        }
        if (rootKey.startsWith("triggers:")) {
            return triggersEvent(rootKey.substring("triggers:".length()));
        }
        throw new IllegalArgumentException("not a synthesized root: " + rootKey);
    }

    private static NodeFacts lighthouseJob(KubeObject job, boolean deleted) {
        List<String> parents = new ArrayList<>();
        String guid = job.label(EVENT_GUID);
        if (guid != null) {
            parents.add(NodeFacts.ROOT + TraceIds.gitEventRoot(guid));
        }
        List<String> keys = baseKeys(job);
        lighthouseKey(job).ifPresent(keys::add);
        String state = job.path("status", "state").asString("");
        boolean terminal =
                deleted || Set.of("success", "failure", "error", "aborted").contains(state);
        return facts(job, parents, null, keys, terminal);
    }

    private static NodeFacts pipelineRun(KubeObject run, boolean deleted) {
        List<String> parents = new ArrayList<>();
        run.ownerUid("LighthouseJob").ifPresent(uid -> parents.add(NodeFacts.uidKey(uid)));
        String jobName = run.label(LIGHTHOUSE + "id");
        if (jobName != null) {
            parents.add(NodeFacts.nameKey("LighthouseJob", run.namespace(), jobName));
        }
        lighthouseKey(run).ifPresent(parents::add);
        String triggersEvent = run.label("triggers.tekton.dev/triggers-eventid");
        if (parents.isEmpty() && triggersEvent != null) {
            parents.add(NodeFacts.ROOT + TraceIds.triggersRoot(triggersEvent));
        }
        List<String> keys = baseKeys(run);
        buildKey(run).ifPresent(keys::add);
        return facts(run, parents, fallback(run), keys, deleted || finished(run));
    }

    private static NodeFacts taskRun(KubeObject taskRun, boolean deleted) {
        List<String> parents = new ArrayList<>();
        taskRun.ownerUid("PipelineRun").ifPresent(uid -> parents.add(NodeFacts.uidKey(uid)));
        String runUid = taskRun.label("tekton.dev/pipelineRunUID");
        if (runUid != null) {
            parents.add(NodeFacts.uidKey(runUid));
        }
        String runName = taskRun.label("tekton.dev/pipelineRun");
        if (runName != null) {
            parents.add(NodeFacts.nameKey("PipelineRun", taskRun.namespace(), runName));
        }
        return facts(taskRun, parents, fallback(taskRun), baseKeys(taskRun), deleted || finished(taskRun));
    }

    private static NodeFacts pipelineActivity(KubeObject activity, boolean deleted) {
        List<String> parents = new ArrayList<>();
        buildKey(activity).ifPresent(parents::add);
        String status = activity.path("spec", "status").asString("");
        boolean terminal =
                deleted || Set.of("Succeeded", "Failed", "Error", "Aborted").contains(status);
        return facts(activity, parents, fallback(activity), baseKeys(activity), terminal);
    }

    private static NodeFacts facts(
            KubeObject object, List<String> parents, String fallback, List<String> keys, boolean terminal) {
        String own = parents.isEmpty() ? TraceIds.resourceRoot(object.uid()) : null;
        return new NodeFacts(
                object.uid(),
                object.kind(),
                object.namespace(),
                object.name(),
                TraceIds.spanId(object.uid()),
                List.copyOf(parents),
                own,
                fallback,
                List.copyOf(keys),
                terminal);
    }

    private static List<String> baseKeys(KubeObject object) {
        List<String> keys = new ArrayList<>();
        keys.add(NodeFacts.uidKey(object.uid()));
        keys.add(NodeFacts.nameKey(object.kind(), object.namespace(), object.name()));
        return keys;
    }

    /** A git event named by the resource, where it goes when its own parent never shows up. */
    private static String fallback(KubeObject object) {
        String guid = object.label(EVENT_GUID);
        return guid == null ? null : NodeFacts.ROOT + TraceIds.gitEventRoot(guid);
    }

    /**
     * The Lighthouse job a PipelineRun belongs to, by the labels both carry (DESIGN §3): repository,
     * branch and build number. A build number is only unique within a branch (Jenkins X names the
     * activity {@code <owner>-<repo>-<branch>-<build>}): the same job on two pull requests can
     * share context and build number, but not branch.
     */
    private static Optional<String> lighthouseKey(KubeObject object) {
        String org = object.label(LIGHTHOUSE + "refs.org");
        String repo = object.label(LIGHTHOUSE + "refs.repo");
        String branch = object.label(LIGHTHOUSE + "branch");
        String build = object.label(LIGHTHOUSE + "buildNum");
        if (org == null || repo == null || branch == null || build == null) {
            return Optional.empty();
        }
        return Optional.of("lighthouse:" + object.namespace() + "/" + org + "/" + repo + "/" + branch + "/" + build);
    }

    /**
     * The build a PipelineActivity and its PipelineRun share: same repository, branch and build
     * number (Jenkins X names the activity {@code <owner>-<repo>-<branch>-<build>}).
     */
    private static Optional<String> buildKey(KubeObject object) {
        String org = first(object.label(LIGHTHOUSE + "refs.org"), object.label("owner"));
        String repo = first(object.label(LIGHTHOUSE + "refs.repo"), object.label("repository"));
        String branch = first(object.label(LIGHTHOUSE + "branch"), object.label("branch"));
        String build = first(object.label(LIGHTHOUSE + "buildNum"), object.label("build"));
        if (org == null || repo == null || branch == null || build == null) {
            return Optional.empty();
        }
        return Optional.of("build:" + object.namespace() + "/" + org + "/" + repo + "/" + branch + "/" + build);
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
