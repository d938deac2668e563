package io.pipelinelens.sensemaker.lineage;

import java.util.Objects;

/**
 * How a child finds its parent (DESIGN §3): one variant per kind of key, from the strongest
 * (an owner's uid names exactly one object, ever) to the weakest (labels that siblings and later
 * builds can share). A node publishes the keys it can be found by; a child lists the keys it looks
 * for, strongest first.
 *
 * <p>Keys are stored in PostgreSQL {@code text[]} columns (GIN-indexed); {@link #encoded()} and
 * {@link #parse(String)} are the only place that knows that form.
 */
public sealed interface CorrelationKey {

    /** How much a key says about which object it names; compare with {@link Strength#compareTo}. */
    enum Strength {
        /** A root that is made on demand: a git event, a Tekton Triggers event. */
        ROOT,
        /** A uid (an ownerReference, {@code tekton.dev/pipelineRunUID}): one object, ever. */
        IDENTITY,
        /** A kind, namespace and name: one object at a time, but a name is reused after a deletion. */
        NAME,
        /** Labels several objects can share (build numbers, branches): only a hint. */
        LABELS;

        /** Whether a child must wait for the object this key names rather than bind through weaker keys. */
        public boolean exact() {
            return this != LABELS;
        }
    }

    Strength strength();

    /** The stored form; stable, because nodes written by older versions are matched by it. */
    String encoded();

    /** A Kubernetes object (or a pull request) by its uid. */
    record Uid(String uid) implements CorrelationKey {
        public Uid {
            requireText(uid, "uid");
        }

        @Override
        public Strength strength() {
            return Strength.IDENTITY;
        }

        @Override
        public String encoded() {
            return "uid:" + uid;
        }
    }

    /** An object by kind, namespace and name (a label that names its parent). */
    record Name(String kind, String namespace, String name) implements CorrelationKey {
        public Name {
            requireText(kind, "kind");
            requireText(name, "name");
            namespace = namespace == null ? "" : namespace;
        }

        @Override
        public Strength strength() {
            return Strength.NAME;
        }

        @Override
        public String encoded() {
            return "name:" + kind + "/" + namespace + "/" + name;
        }
    }

    /**
     * A Lighthouse job and the PipelineRuns it started, by the labels both carry. The job's context
     * is part of the key: sibling jobs of one git event share repository, branch and build number,
     * never their context.
     */
    record LighthouseBuild(String namespace, String org, String repo, String branch, String context, String build)
            implements CorrelationKey {
        public LighthouseBuild {
            requireText(org, "org");
            requireText(repo, "repo");
            requireText(branch, "branch");
            requireText(context, "context");
            requireText(build, "build");
            namespace = namespace == null ? "" : namespace;
        }

        @Override
        public Strength strength() {
            return Strength.LABELS;
        }

        @Override
        public String encoded() {
            return "lighthouse:" + String.join("/", namespace, org, repo, branch, context, build);
        }
    }

    /**
     * A Jenkins X build: a PipelineActivity and the PipelineRun of the same repository, branch and
     * build number (the activity is named {@code <owner>-<repo>-<branch>-<build>}).
     */
    record ActivityBuild(String namespace, String org, String repo, String branch, String build)
            implements CorrelationKey {
        public ActivityBuild {
            requireText(org, "org");
            requireText(repo, "repo");
            requireText(branch, "branch");
            requireText(build, "build");
            namespace = namespace == null ? "" : namespace;
        }

        @Override
        public Strength strength() {
            return Strength.LABELS;
        }

        @Override
        public String encoded() {
            return "build:" + String.join("/", namespace, org, repo, branch, build);
        }
    }

    /** The root of a git event, by its webhook delivery GUID; made when first named. */
    record GitEvent(String guid) implements CorrelationKey {
        public GitEvent {
            requireText(guid, "guid");
        }

        @Override
        public Strength strength() {
            return Strength.ROOT;
        }

        @Override
        public String encoded() {
            return "root:" + rootKey();
        }

        /** The key its trace id is derived from (and its node's uid). */
        public String rootKey() {
            return TraceIds.gitEventRoot(guid);
        }
    }

    /** The root of a Tekton Triggers event, by its event id; made when first named. */
    record TriggersEvent(String eventId) implements CorrelationKey {
        public TriggersEvent {
            requireText(eventId, "eventId");
        }

        @Override
        public Strength strength() {
            return Strength.ROOT;
        }

        @Override
        public String encoded() {
            return "root:" + rootKey();
        }

        public String rootKey() {
            return TraceIds.triggersRoot(eventId);
        }
    }

    /** The key in its stored form, back. */
    static CorrelationKey parse(String encoded) {
        Objects.requireNonNull(encoded, "encoded");
        int colon = encoded.indexOf(':');
        if (colon < 0) {
            throw new IllegalArgumentException("not a correlation key: " + encoded);
        }
        String type = encoded.substring(0, colon);
        String rest = encoded.substring(colon + 1);
        return switch (type) {
            case "uid" -> new Uid(rest);
            case "name" -> {
                String[] parts = split(rest, 3, encoded);
                yield new Name(parts[0], parts[1], parts[2]);
            }
            case "lighthouse" -> {
                String[] parts = split(rest, 6, encoded);
                yield new LighthouseBuild(parts[0], parts[1], parts[2], parts[3], parts[4], parts[5]);
            }
            case "build" -> {
                String[] parts = split(rest, 5, encoded);
                yield new ActivityBuild(parts[0], parts[1], parts[2], parts[3], parts[4]);
            }
            case "root" -> {
                if (rest.startsWith("git-event:")) {
                    yield new GitEvent(rest.substring("git-event:".length()));
                }
                if (rest.startsWith("triggers:")) {
                    yield new TriggersEvent(rest.substring("triggers:".length()));
                }
                throw new IllegalArgumentException("not a root key: " + encoded);
            }
            default -> throw new IllegalArgumentException("not a correlation key: " + encoded);
        };
    }

    /**
     * Splits into exactly {@code parts}; the last part keeps any further slashes (a branch such as
     * {@code feature/x} is the reason the middle parts are split from both ends).
     */
    private static String[] split(String rest, int parts, String encoded) {
        String[] all = rest.split("/", -1);
        if (all.length < parts) {
            throw new IllegalArgumentException("not a correlation key: " + encoded);
        }
        if (all.length == parts) {
            return all;
        }
        // Branch names may hold slashes; every other part may not. The branch is the 4th of a
        // lighthouse key and the 4th of a build key; names (3 parts) keep slashes in the last part.
        String[] out = new String[parts];
        if (parts == 3) {
            out[0] = all[0];
            out[1] = all[1];
            out[2] = String.join("/", java.util.Arrays.copyOfRange(all, 2, all.length));
            return out;
        }
        int branch = 3;
        int tail = parts - branch - 1;
        System.arraycopy(all, 0, out, 0, branch);
        out[branch] = String.join("/", java.util.Arrays.copyOfRange(all, branch, all.length - tail));
        System.arraycopy(all, all.length - tail, out, branch + 1, tail);
        return out;
    }

    private static void requireText(String value, String what) {
        if (value == null || value.isBlank()) {
            throw new IllegalArgumentException(what + " must not be blank");
        }
    }
}
