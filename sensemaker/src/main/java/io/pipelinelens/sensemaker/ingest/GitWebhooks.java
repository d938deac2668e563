package io.pipelinelens.sensemaker.ingest;

import java.util.Optional;

/** Read access to stored git webhook deliveries. */
public interface GitWebhooks {

    Optional<GitWebhook> byId(String id);

    /**
     * The newest stored GitHub {@code pull_request} delivery of one pull request: the latest
     * {@code pull_request.updated_at}, then the latest received (deliveries come in any order).
     *
     * @param repository {@code owner/repo}
     */
    Optional<GitWebhook> latestPullRequest(String repository, long number);
}
