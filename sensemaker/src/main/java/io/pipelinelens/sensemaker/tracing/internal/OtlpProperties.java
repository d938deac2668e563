package io.pipelinelens.sensemaker.tracing.internal;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The OTLP exporter, configured by the standard {@code OTEL_EXPORTER_OTLP_*} variables (Spring's
 * relaxed binding maps {@code OTEL_EXPORTER_OTLP_ENDPOINT} to {@code otel.exporter.otlp.endpoint})
 * or the same keys as properties. The {@code traces} block overrides the general one, as the
 * OpenTelemetry specification says.
 *
 * @param endpoint base URL; for http/protobuf {@code /v1/traces} is appended
 * @param protocol {@code http/protobuf} (default) or {@code grpc}
 * @param headers {@code key=value,key2=value2}
 * @param compression {@code gzip} or {@code none}
 * @param timeout per export request
 */
@ConfigurationProperties("otel.exporter.otlp")
record OtlpProperties(
        String endpoint,
        @DefaultValue("http/protobuf") String protocol,
        String headers,
        @DefaultValue("none") String compression,
        @DefaultValue("10s") Duration timeout,
        Traces traces) {

    /** The signal-specific settings; {@code endpoint} here is used as is. */
    record Traces(String endpoint, String protocol, String headers, String compression, Duration timeout) {}

    boolean grpc() {
        String p = traces != null && traces.protocol() != null ? traces.protocol() : protocol;
        return "grpc".equalsIgnoreCase(p);
    }

    String tracesEndpoint() {
        if (traces != null && traces.endpoint() != null && !traces.endpoint().isBlank()) {
            return traces.endpoint();
        }
        if (grpc()) {
            return endpoint != null && !endpoint.isBlank() ? endpoint : "http://localhost:4317";
        }
        String base = endpoint != null && !endpoint.isBlank() ? endpoint : "http://localhost:4318";
        return (base.endsWith("/") ? base.substring(0, base.length() - 1) : base) + "/v1/traces";
    }

    Map<String, String> tracesHeaders() {
        Map<String, String> result = new LinkedHashMap<>(parse(headers));
        if (traces != null) {
            result.putAll(parse(traces.headers()));
        }
        return result;
    }

    String tracesCompression() {
        return traces != null && traces.compression() != null ? traces.compression() : compression;
    }

    Duration tracesTimeout() {
        return traces != null && traces.timeout() != null ? traces.timeout() : timeout;
    }

    private static Map<String, String> parse(String headers) {
        Map<String, String> result = new LinkedHashMap<>();
        if (headers == null || headers.isBlank()) {
            return result;
        }
        for (String pair : headers.split(",")) {
            int eq = pair.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("OTLP header '" + pair.strip() + "' is not key=value");
            }
            result.put(
                    java.net.URLDecoder.decode(pair.substring(0, eq).strip(), java.nio.charset.StandardCharsets.UTF_8),
                    java.net.URLDecoder.decode(
                            pair.substring(eq + 1).strip(), java.nio.charset.StandardCharsets.UTF_8));
        }
        return result;
    }
}
