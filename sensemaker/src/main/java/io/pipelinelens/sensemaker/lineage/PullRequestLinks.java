package io.pipelinelens.sensemaker.lineage;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Pull requests as nodes: their uid, and the application PRs an environment PR's body links (the
 * release notes of a Jenkins X promotion, DESIGN §3 last row).
 */
public final class PullRequestLinks {

    private static final Pattern PULL_REQUEST_LINK =
            Pattern.compile("https://github\\.com/([A-Za-z0-9_.-]+/[A-Za-z0-9_.-]+)/pull/(\\d+)");

    private PullRequestLinks() {}

    /** GitHub names are case-insensitive, and a PR body may spell them either way. */
    public static String uid(String repository, long number) {
        return TraceIds.pullRequest(repository.toLowerCase(Locale.ROOT), number);
    }

    /** The uids of the pull requests a PR body links, in order, without {@code self}. */
    public static List<String> linked(String self, String body) {
        if (body == null) {
            return List.of();
        }
        Set<String> linked = new LinkedHashSet<>();
        Matcher link = PULL_REQUEST_LINK.matcher(body);
        while (link.find()) {
            try {
                linked.add(uid(link.group(1), Long.parseLong(link.group(2))));
            } catch (NumberFormatException e) {
                // Not a pull request number anyone can have.
            }
        }
        linked.remove(self);
        return List.copyOf(linked);
    }

    /** {@code pr:owner/repo#n} back to the PR's web address. */
    public static String url(String uid) {
        int hash = uid.lastIndexOf('#');
        return "https://github.com/" + uid.substring("pr:".length(), hash) + "/pull/" + uid.substring(hash + 1);
    }
}
