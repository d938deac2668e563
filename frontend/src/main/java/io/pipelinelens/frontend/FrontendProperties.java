package io.pipelinelens.frontend;

import java.net.URI;
import java.time.Duration;
import java.time.ZoneId;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * Where the dashboard reads from and how it shows it.
 *
 * @param sensemakerUrl base URL of the sensemaker
 * @param traceUrlTemplate link to one trace in the trace UI; {@code {traceId}} is replaced, blank
 *     means no links
 * @param pageSize how many of the most recently finished runs the runs view shows
 * @param connectTimeout how long to wait for a connection to the sensemaker
 * @param readTimeout how long to wait for the sensemaker's answer, so a hung service never hangs
 *     the UI
 * @param zone the time zone times are shown in
 */
@ConfigurationProperties("pipelinelens.frontend")
public record FrontendProperties(
        @DefaultValue("http://localhost:8082") URI sensemakerUrl,

        @DefaultValue("http://localhost:16686/trace/{traceId}")
        String traceUrlTemplate,

        @DefaultValue("50") int pageSize,
        @DefaultValue("2s") Duration connectTimeout,
        @DefaultValue("5s") Duration readTimeout,
        @DefaultValue("UTC") ZoneId zone) {

    public FrontendProperties {
        if (pageSize < 1) {
            throw new IllegalArgumentException("pipelinelens.frontend.page-size must be at least 1");
        }
    }
}
