package io.pipelinelens.standalone.lookout;

import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;

/**
 * The standalone's own endpoints: an OTLP/HTTP trace receiver and a notification sink standing in
 * for a trace backend and a chat tool, and what they received.
 */
@RestController
public class LookoutController {

    private static final MediaType PROTOBUF = MediaType.parseMediaType("application/x-protobuf");

    private final SpanStore spans;
    private final NotificationSink notifications;

    public LookoutController(SpanStore spans, NotificationSink notifications) {
        this.spans = spans;
        this.notifications = notifications;
    }

    /** OTLP/HTTP, binary protobuf (what the OpenTelemetry SDK's HTTP exporter sends by default). */
    @PostMapping(path = "/v1/traces")
    public ResponseEntity<byte[]> traces(
            @RequestBody byte[] body, @RequestHeader(name = "Content-Encoding", required = false) String encoding)
            throws IOException {
        byte[] raw = body;
        if ("gzip".equalsIgnoreCase(encoding)) {
            try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
                raw = in.readAllBytes();
            }
        }
        spans.accept(ExportTraceServiceRequest.parseFrom(raw));
        return ResponseEntity.ok()
                .contentType(PROTOBUF)
                .body(ExportTraceServiceResponse.getDefaultInstance().toByteArray());
    }

    @GetMapping(path = "/api/spans", produces = MediaType.APPLICATION_JSON_VALUE)
    public List<ReceivedSpan> spans() {
        return spans.spans();
    }

    /** Where the notifier's webhook channel delivers in standalone mode. */
    @PostMapping(path = "/sink/notifications")
    public ResponseEntity<Map<String, Object>> notification(
            @RequestBody byte[] body,
            @RequestHeader(name = WebhookSignature.HEADER, required = false) String signature,
            @RequestHeader(name = "ce-type", required = false) String ceType,
            @RequestHeader(name = "ce-subject", required = false) String ceSubject) {
        ReceivedNotification received = notifications.accept(body, signature, ceType, ceSubject);
        return ResponseEntity.accepted().body(Map.of("signatureValid", received.signatureValid()));
    }

    @GetMapping(path = "/api/notifications", produces = MediaType.APPLICATION_JSON_VALUE)
    public List<ReceivedNotification> notifications() {
        return notifications.notifications();
    }
}
