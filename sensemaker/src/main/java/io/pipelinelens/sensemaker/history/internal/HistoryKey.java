package io.pipelinelens.sensemaker.history.internal;

/** One pipeline × repository × branch; a run that names no repository or branch has "" there. */
record HistoryKey(String namespace, String pipeline, String repository, String branch) {

    static HistoryKey of(String namespace, String pipeline, String repository, String branch) {
        return new HistoryKey(namespace, pipeline, repository == null ? "" : repository, branch == null ? "" : branch);
    }

    /** Advisory lock id: writers of one key wait for each other; a hash collision only costs waiting. */
    int lock() {
        return String.join("\n", namespace, pipeline, repository, branch).hashCode();
    }
}
