package io.pipelinelens.sensemaker.api.internal;

import graphql.GraphQLContext;
import graphql.GraphQLError;
import graphql.GraphqlErrorBuilder;
import graphql.execution.DataFetcherResult;
import graphql.schema.DataFetchingEnvironment;
import io.pipelinelens.sensemaker.api.internal.TraceSelector.PipelineRunRef;
import io.pipelinelens.sensemaker.api.internal.TraceSelector.PullRequestRef;
import io.pipelinelens.sensemaker.tracing.TraceView;
import io.pipelinelens.sensemaker.tracing.TraceView.SpanView;
import io.pipelinelens.sensemaker.tracing.Traces;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.springframework.graphql.data.method.annotation.Argument;
import org.springframework.graphql.data.method.annotation.GraphQlExceptionHandler;
import org.springframework.graphql.data.method.annotation.LocalContextValue;
import org.springframework.graphql.data.method.annotation.QueryMapping;
import org.springframework.graphql.data.method.annotation.SchemaMapping;
import org.springframework.graphql.execution.ErrorType;
import org.springframework.stereotype.Controller;

/** GraphQL: traces by git event, PipelineRun or pull request, with their span trees. */
@Controller
class TraceController {

    /** Where the trace of the current result is kept, for the span fields below it. */
    private static final String TRACE = "trace";

    private final Traces traces;
    private final ApiProperties properties;

    TraceController(Traces traces, ApiProperties properties) {
        this.traces = traces;
        this.properties = properties;
    }

    @QueryMapping
    DataFetcherResult<TraceView> trace(
            @Argument String gitEvent, @Argument PipelineRunRef pipelineRun, @Argument PullRequestRef pullRequest) {
        TraceView trace = new TraceSelector(gitEvent, pipelineRun, pullRequest)
                .find(traces)
                .orElse(null);
        if (trace == null) {
            return DataFetcherResult.<TraceView>newResult().build();
        }
        // The spans below resolve their children from the trace, without a query per span.
        return DataFetcherResult.<TraceView>newResult()
                .data(trace)
                .localContext(GraphQLContext.newContext().of(TRACE, trace).build())
                .build();
    }

    @SchemaMapping(typeName = "Trace")
    String url(TraceView trace) {
        return properties.traceUrl(trace.traceId());
    }

    @SchemaMapping(typeName = "Trace")
    SpanView root(TraceView trace) {
        return trace.root().orElse(null);
    }

    @SchemaMapping(typeName = "Trace")
    int spanCount(TraceView trace) {
        return trace.spans().size();
    }

    @SchemaMapping(typeName = "Span")
    List<SpanView> children(SpanView span, @LocalContextValue(name = TRACE) TraceView trace) {
        return trace.childrenOf(span.spanId());
    }

    @SchemaMapping(typeName = "Span")
    double durationMs(SpanView span) {
        return Duration.between(span.start(), span.end()).toNanos() / 1_000_000.0;
    }

    @SchemaMapping(typeName = "Span")
    List<Attribute> attributes(SpanView span) {
        return span.attributes().entrySet().stream()
                .filter(e -> e.getValue() != null)
                .map(Attribute::of)
                .toList();
    }

    @GraphQlExceptionHandler
    GraphQLError invalidSelector(TraceSelector.InvalidSelector e, DataFetchingEnvironment env) {
        return GraphqlErrorBuilder.newError(env)
                .errorType(ErrorType.BAD_REQUEST)
                .message(e.getMessage())
                .build();
    }

    /** One span attribute; values keep their OpenTelemetry type. */
    record Attribute(String key, String value, String type) {

        static Attribute of(Map.Entry<String, Object> entry) {
            Object v = entry.getValue();
            String type = switch (v) {
                case Boolean b -> "BOOLEAN";
                case Integer i -> "INT";
                case Long l -> "INT";
                case Short s -> "INT";
                case Double d -> "DOUBLE";
                case Float f -> "DOUBLE";
                case java.math.BigDecimal d -> "DOUBLE";
                case java.math.BigInteger i -> "INT";
                default -> "STRING";
            };
            return new Attribute(entry.getKey(), String.valueOf(v), type);
        }
    }
}
