package io.pipelinelens.sensemaker.history.internal;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Whether a commit of a pipeline failed and then succeeded, and which tasks did. Pure. */
final class Flakiness {

    private Flakiness() {}

    /**
     * An earlier run of the same commit and pipeline.
     *
     * @param failedTasks the tasks that failed in it
     */
    record Earlier(String uid, String result, Set<String> failedTasks) {}

    /**
     * @param flakyRun the run succeeded and an earlier run of its commit failed
     * @param tasks the tasks that succeeded now and failed in an earlier run of the commit
     * @param failedBefore the earlier runs that failed, in the order given
     */
    record Verdict(boolean flakyRun, List<String> tasks, List<String> failedBefore) {

        boolean flaky() {
            return flakyRun || !tasks.isEmpty();
        }
    }

    /**
     * @param result the run's result
     * @param taskResults the run's tasks and their results
     * @param earlier the earlier runs of the same commit and pipeline (completed before it), oldest
     *     first; none when the run names no commit
     */
    static Verdict judge(String result, Map<String, String> taskResults, List<Earlier> earlier) {
        List<String> failedBefore = earlier.stream()
                .filter(e -> Outcome.failure(e.result()) || !e.failedTasks().isEmpty())
                .map(Earlier::uid)
                .toList();
        boolean flakyRun = Outcome.success(result) && earlier.stream().anyMatch(e -> Outcome.failure(e.result()));
        Set<String> tasks = new LinkedHashSet<>();
        for (Earlier e : earlier) {
            for (String task : e.failedTasks()) {
                if (Outcome.success(taskResults.get(task))) {
                    tasks.add(task);
                }
            }
        }
        return new Verdict(flakyRun, List.copyOf(tasks), failedBefore);
    }
}
