package io.pipelinelens.sensemaker.api.internal;

import io.pipelinelens.sensemaker.tracing.TraceView;
import io.pipelinelens.sensemaker.tracing.Traces;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** Which trace a query asks for: exactly one of a git event, a PipelineRun or a pull request. */
record TraceSelector(String gitEvent, PipelineRunRef pipelineRun, PullRequestRef pullRequest) {

    record PipelineRunRef(String namespace, String name) {}

    record PullRequestRef(String repository, int number) {}

    TraceSelector {
        List<String> given = new ArrayList<>();
        if (gitEvent != null) {
            given.add("gitEvent");
        }
        if (pipelineRun != null) {
            given.add("pipelineRun");
        }
        if (pullRequest != null) {
            given.add("pullRequest");
        }
        if (given.size() != 1) {
            throw new InvalidSelector("trace needs exactly one of gitEvent, pipelineRun or pullRequest; got "
                    + (given.isEmpty() ? "none" : String.join(" and ", given)));
        }
    }

    Optional<TraceView> find(Traces traces) {
        if (gitEvent != null) {
            return traces.byGitEvent(gitEvent);
        }
        if (pipelineRun != null) {
            return traces.byPipelineRun(pipelineRun.namespace(), pipelineRun.name());
        }
        return traces.byPullRequest(pullRequest.repository(), Integer.toString(pullRequest.number()));
    }

    /** The query asked for no trace, or for several at once. */
    static final class InvalidSelector extends RuntimeException {
        InvalidSelector(String message) {
            super(message);
        }
    }
}
