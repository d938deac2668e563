package io.pipelinelens.sensemaker.ingest;

import java.util.Optional;

/** Read access to stored git webhook deliveries. */
public interface GitWebhooks {

    Optional<GitWebhook> byId(String id);
}
