package io.pipelinelens.sensemaker.history.internal;

import java.time.Instant;

/** A run of the key as the state machine sees it: its commit, result, completion and outcome. */
record PastRun(String uid, String revision, String result, Instant completedAt, Outcome outcome) {

    /** Success or failure, and not set aside as an old commit: a later run compares with it. */
    boolean counts() {
        return outcome.counts() && (Outcome.success(result) || Outcome.failure(result));
    }
}
