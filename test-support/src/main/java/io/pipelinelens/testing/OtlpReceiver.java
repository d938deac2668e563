package io.pipelinelens.testing;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.zip.GZIPInputStream;

/**
 * An in-process OTLP/HTTP trace receiver on loopback: it decodes each {@code POST /v1/traces}
 * protobuf body exactly as a collector would, and keeps the spans for assertions. It can be told to
 * refuse requests, to play a collector that is down.
 */
public final class OtlpReceiver implements AutoCloseable {

    /** A received span with the resource attributes it was sent under, and when it arrived. */
    public record ReceivedSpan(ResourceSpans resource, Span span, java.time.Instant receivedAt) {}

    private final HttpServer server;
    private final List<ReceivedSpan> spans = new CopyOnWriteArrayList<>();
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger poisonedRequests = new AtomicInteger();
    private volatile int refuseWith = 0;
    private volatile java.util.function.Predicate<Span> poison = span -> false;
    private volatile int poisonStatus = 400;

    private OtlpReceiver(HttpServer server) {
        this.server = server;
    }

    public static OtlpReceiver start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            OtlpReceiver receiver = new OtlpReceiver(server);
            server.createContext("/v1/traces", receiver::handle);
            server.start();
            return receiver;
        } catch (IOException e) {
            throw new IllegalStateException("cannot bind the OTLP receiver", e);
        }
    }

    /** The base endpoint, as {@code OTEL_EXPORTER_OTLP_ENDPOINT} takes it. */
    public String endpoint() {
        return "http://127.0.0.1:" + server.getAddress().getPort();
    }

    /** The traces endpoint, as {@code OTEL_EXPORTER_OTLP_TRACES_ENDPOINT} takes it. */
    public String tracesEndpoint() {
        return endpoint() + "/v1/traces";
    }

    /** Answer every request with this HTTP status (e.g. 503) until {@link #accept()}. */
    public void refuse(int status) {
        refuseWith = status;
    }

    public void accept() {
        refuseWith = 0;
        poison = span -> false;
    }

    /**
     * Answer with this HTTP status (e.g. 400) every request that holds a span the test matches, as
     * a collector refuses a request it can never take; other requests are received as usual.
     */
    public void refuseRequestsWith(java.util.function.Predicate<Span> span, int status) {
        poisonStatus = status;
        poison = span;
    }

    public List<ReceivedSpan> spans() {
        return List.copyOf(spans);
    }

    public int requests() {
        return requests.get();
    }

    /** Requests refused because they held a span {@link #refuseRequestsWith} matches. */
    public int poisonedRequests() {
        return poisonedRequests.get();
    }

    /** Waits until at least {@code count} spans arrived; fails with what did arrive. */
    public List<ReceivedSpan> awaitSpans(int count, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (spans.size() < count && System.nanoTime() < deadline) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (spans.size() < count) {
            throw new AssertionError("expected " + count + " spans within " + timeout + ", got " + spans.size() + ": "
                    + spans.stream().map(s -> s.span().getName()).toList());
        }
        return spans();
    }

    private void handle(HttpExchange exchange) throws IOException {
        requests.incrementAndGet();
        try (exchange) {
            receive(exchange);
        } catch (IOException | RuntimeException | LinkageError e) {
            // The JDK server would drop the connection silently; say why instead.
            System.err.println("OtlpReceiver could not handle a request: " + e);
            e.printStackTrace();
            throw e;
        }
    }

    private void receive(HttpExchange exchange) throws IOException {
        {
            byte[] body;
            try (InputStream in =
                    "gzip".equalsIgnoreCase(exchange.getRequestHeaders().getFirst("Content-Encoding"))
                            ? new GZIPInputStream(exchange.getRequestBody())
                            : exchange.getRequestBody()) {
                body = in.readAllBytes();
            }
            if (refuseWith != 0) {
                exchange.sendResponseHeaders(refuseWith, -1);
                return;
            }
            if (!"POST".equals(exchange.getRequestMethod())) {
                exchange.sendResponseHeaders(405, -1);
                return;
            }
            ExportTraceServiceRequest request = ExportTraceServiceRequest.parseFrom(body);
            List<ReceivedSpan> received = new ArrayList<>();
            java.time.Instant now = java.time.Instant.now();
            for (ResourceSpans rs : request.getResourceSpansList()) {
                for (ScopeSpans ss : rs.getScopeSpansList()) {
                    for (Span span : ss.getSpansList()) {
                        received.add(new ReceivedSpan(rs, span, now));
                    }
                }
            }
            if (received.stream().map(ReceivedSpan::span).anyMatch(poison)) {
                poisonedRequests.incrementAndGet();
                exchange.sendResponseHeaders(poisonStatus, -1);
                return;
            }
            spans.addAll(received);
            byte[] response = ExportTraceServiceResponse.getDefaultInstance().toByteArray();
            exchange.getResponseHeaders().add("Content-Type", "application/x-protobuf");
            // An empty body must be announced as -1: 0 would mean "chunked, length unknown".
            exchange.sendResponseHeaders(200, response.length == 0 ? -1 : response.length);
            if (response.length > 0) {
                exchange.getResponseBody().write(response);
            }
        }
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
