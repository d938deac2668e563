package io.pipelinelens.sensemaker.tracing.internal;

import io.opentelemetry.exporter.internal.FailedExportException;
import io.opentelemetry.sdk.common.export.GrpcStatusCode;
import java.util.Optional;
import java.util.Set;

/**
 * Whether a failed export can never succeed as it is (OTLP spec, "Failures"): sending the same
 * request again would be refused again, so only a smaller request can help.
 */
final class ExportRefusal {

    /** Throttling and timeouts pass; every other 4xx is about the request itself. */
    private static final Set<Integer> RETRYABLE_HTTP = Set.of(408, 429);

    private static final Set<GrpcStatusCode> PERMANENT_GRPC =
            Set.of(GrpcStatusCode.INVALID_ARGUMENT, GrpcStatusCode.OUT_OF_RANGE, GrpcStatusCode.FAILED_PRECONDITION);

    private ExportRefusal() {}

    /** @return the collector's reason when the refusal is for good, else empty (retry later) */
    static Optional<String> permanent(Throwable failure) {
        if (failure instanceof FailedExportException.HttpExportException http && http.failedWithResponse()) {
            int status = http.getResponse().getStatusCode();
            if (status >= 400 && status < 500 && !RETRYABLE_HTTP.contains(status)) {
                return Optional.of("HTTP " + status + " " + http.getResponse().getStatusMessage());
            }
        }
        if (failure instanceof FailedExportException.GrpcExportException grpc && grpc.failedWithResponse()) {
            GrpcStatusCode code = grpc.getResponse().getStatusCode();
            String description = grpc.getResponse().getStatusDescription();
            boolean tooLarge = code == GrpcStatusCode.RESOURCE_EXHAUSTED
                    && description != null
                    && description.toLowerCase(java.util.Locale.ROOT).contains("larger than");
            if (PERMANENT_GRPC.contains(code) || tooLarge) {
                return Optional.of("gRPC " + code + (description == null ? "" : " " + description));
            }
        }
        return Optional.empty();
    }
}
