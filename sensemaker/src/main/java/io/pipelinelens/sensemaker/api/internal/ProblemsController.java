package io.pipelinelens.sensemaker.api.internal;

import graphql.GraphQLError;
import graphql.GraphqlErrorBuilder;
import graphql.schema.DataFetchingEnvironment;
import io.pipelinelens.sensemaker.lineage.Lineage;
import io.pipelinelens.sensemaker.lineage.LineageNode;
import io.pipelinelens.sensemaker.tracing.RefusedSpan;
import io.pipelinelens.sensemaker.tracing.Traces;
import java.util.List;
import org.springframework.graphql.data.method.annotation.Argument;
import org.springframework.graphql.data.method.annotation.GraphQlExceptionHandler;
import org.springframework.graphql.data.method.annotation.QueryMapping;
import org.springframework.graphql.execution.ErrorType;
import org.springframework.stereotype.Controller;

/** GraphQL: what could not be traced, and why — nothing is dropped without a trace of it. */
@Controller
class ProblemsController {

    private static final int MAX = 100;

    private final Lineage lineage;
    private final Traces traces;

    ProblemsController(Lineage lineage, Traces traces) {
        this.lineage = lineage;
        this.traces = traces;
    }

    record ParkedNode(String uid, String kind, String namespace, String name, String traceId, String reason) {

        static ParkedNode of(LineageNode node) {
            return new ParkedNode(
                    node.uid(),
                    node.kind().stored(),
                    node.namespace(),
                    node.name(),
                    node.traceId(),
                    node.parkedReason());
        }
    }

    @QueryMapping
    List<ParkedNode> parkedNodes(@Argument int first) {
        return lineage.parked(bounded(first)).stream().map(ParkedNode::of).toList();
    }

    @QueryMapping
    List<RefusedSpan> refusedSpans(@Argument int first) {
        return traces.refused(bounded(first));
    }

    private static int bounded(int first) {
        if (first < 1 || first > MAX) {
            throw new InvalidPageSize("first must be between 1 and " + MAX + ", was " + first);
        }
        return first;
    }

    static final class InvalidPageSize extends RuntimeException {
        InvalidPageSize(String message) {
            super(message);
        }
    }

    @GraphQlExceptionHandler
    GraphQLError invalidPageSize(InvalidPageSize e, DataFetchingEnvironment env) {
        return GraphqlErrorBuilder.newError(env)
                .errorType(ErrorType.BAD_REQUEST)
                .message(e.getMessage())
                .build();
    }
}
