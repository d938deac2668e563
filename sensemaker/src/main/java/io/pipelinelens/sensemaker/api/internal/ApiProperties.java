package io.pipelinelens.sensemaker.api.internal;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How the API presents what it serves, and what one request may cost.
 *
 * @param traceUrlTemplate link to a trace in the trace UI; {@code {traceId}} is replaced by the
 *     trace id (Jaeger: {@code http://jaeger:16686/trace/{traceId}}, Grafana Tempo: an Explore URL)
 * @param maxQueryDepth deepest selection a GraphQL query may have
 * @param maxQueryComplexity most a GraphQL query may cost: one per field, {@code lookupCost} for
 *     each field that reads a trace from the database
 * @param lookupCost what one trace lookup costs
 * @param timeout longest a GraphQL request may run before it is answered with an error
 * @param threads threads that resolve GraphQL fields (the API's own pool)
 * @param queue fields waiting for those threads; beyond it a field fails with "busy" at once
 */
@Validated
@ConfigurationProperties("pipelinelens.sensemaker.api")
record ApiProperties(
        @NotBlank @DefaultValue("http://localhost:16686/trace/{traceId}")
        String traceUrlTemplate,

        @Min(1) @DefaultValue("15") int maxQueryDepth,
        @Min(1) @DefaultValue("200") int maxQueryComplexity,
        @Min(1) @DefaultValue("25") int lookupCost,
        @NotNull @DefaultValue("10s") Duration timeout,
        @Min(1) @DefaultValue("8") int threads,
        @Min(0) @DefaultValue("256") int queue) {

    String traceUrl(String traceId) {
        return traceUrlTemplate.replace("{traceId}", traceId);
    }
}
