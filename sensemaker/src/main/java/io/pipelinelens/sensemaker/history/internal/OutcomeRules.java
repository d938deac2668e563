package io.pipelinelens.sensemaker.history.internal;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The outcome state machine of one pipeline × repository × branch over its finished runs in
 * completion order. Pure: the caller hands it the runs stored before the new one.
 */
final class OutcomeRules {

    private OutcomeRules() {}

    /**
     * What a run changes.
     *
     * @param lastSuccess the last counted success before the run, if the history reaches it
     * @param failingSince the first counted failure after {@code lastSuccess} (for a recovery)
     * @param failedRuns counted failures since {@code lastSuccess} (for a recovery)
     * @param commits for a break, the revisions since the last success (it excluded) to the run;
     *     for a recovery, from the first failure to the run; oldest first, each once
     */
    record Decision(
            Outcome outcome,
            Optional<PastRun> lastSuccess,
            Optional<PastRun> failingSince,
            int failedRuns,
            List<String> commits) {}

    /**
     * @param run the run just finished (its own outcome is ignored)
     * @param before the key's runs completed before it, newest first, reaching back at least to the
     *     last counted success when there is one
     * @param newerCounted whether a counted run of the key that completed after it is stored already
     * @param revisionCountedBefore whether a counted run of the key that completed before it built its
     *     revision (a cancelled run does not make a commit old)
     */
    static Decision decide(PastRun run, List<PastRun> before, boolean newerCounted, boolean revisionCountedBefore) {
        boolean success = Outcome.success(run.result());
        if (!success && !Outcome.failure(run.result())) {
            return plain(Outcome.NOT_COUNTED);
        }
        if (newerCounted) {
            return plain(Outcome.LATE);
        }
        Optional<PastRun> previous = before.stream().filter(PastRun::counts).findFirst();
        if (revisionCountedBefore
                && run.revision() != null
                && previous.isPresent()
                && !run.revision().equals(previous.get().revision())) {
            return plain(Outcome.OLD_COMMIT);
        }
        if (previous.isEmpty()) {
            return plain(success ? Outcome.PASSING : Outcome.FAILING);
        }
        boolean wasGreen = Outcome.success(previous.get().result());
        if (wasGreen) {
            return success ? plain(Outcome.PASSING) : broken(run, before, previous.get());
        }
        return success ? recovered(run, before) : plain(Outcome.STILL_FAILING);
    }

    private static Decision broken(PastRun run, List<PastRun> before, PastRun lastSuccess) {
        List<PastRun> since = new ArrayList<>();
        for (PastRun past : before) {
            if (past == lastSuccess) {
                break;
            }
            since.add(past);
        }
        List<String> commits = commits(since.reversed(), run);
        commits.remove(lastSuccess.revision());
        return new Decision(Outcome.BROKEN, Optional.of(lastSuccess), Optional.empty(), 0, List.copyOf(commits));
    }

    private static Decision recovered(PastRun run, List<PastRun> before) {
        List<PastRun> failing = new ArrayList<>();
        Optional<PastRun> lastSuccess = Optional.empty();
        for (PastRun past : before) {
            if (past.counts() && Outcome.success(past.result())) {
                lastSuccess = Optional.of(past);
                break;
            }
            failing.add(past);
        }
        List<PastRun> oldestFirst = failing.reversed();
        Optional<PastRun> first = oldestFirst.stream().filter(PastRun::counts).findFirst();
        int failed = (int) failing.stream().filter(PastRun::counts).count();
        List<PastRun> fromFirst = first.map(f -> oldestFirst.subList(oldestFirst.indexOf(f), oldestFirst.size()))
                .orElse(List.of());
        return new Decision(Outcome.RECOVERED, lastSuccess, first, failed, List.copyOf(commits(fromFirst, run)));
    }

    /** Revisions of the runs (old commits left out) and of the run, oldest first, each once. */
    private static List<String> commits(List<PastRun> oldestFirst, PastRun run) {
        LinkedHashSet<String> revisions = new LinkedHashSet<>();
        oldestFirst.stream()
                .filter(p -> p.outcome() != Outcome.OLD_COMMIT)
                .map(PastRun::revision)
                .filter(Objects::nonNull)
                .forEach(revisions::add);
        if (run.revision() != null) {
            revisions.remove(run.revision());
            revisions.add(run.revision());
        }
        return new ArrayList<>(revisions);
    }

    private static Decision plain(Outcome outcome) {
        return new Decision(outcome, Optional.empty(), Optional.empty(), 0, List.of());
    }
}
