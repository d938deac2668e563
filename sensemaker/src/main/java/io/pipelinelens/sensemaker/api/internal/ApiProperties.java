package io.pipelinelens.sensemaker.api.internal;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How the API presents what it serves.
 *
 * @param traceUrlTemplate link to a trace in the trace UI; {@code {traceId}} is replaced by the
 *     trace id (Jaeger: {@code http://jaeger:16686/trace/{traceId}}, Grafana Tempo: an Explore URL)
 */
@ConfigurationProperties("pipelinelens.sensemaker.api")
record ApiProperties(
        @DefaultValue("http://localhost:16686/trace/{traceId}")
        String traceUrlTemplate) {

    String traceUrl(String traceId) {
        return traceUrlTemplate.replace("{traceId}", traceId);
    }
}
