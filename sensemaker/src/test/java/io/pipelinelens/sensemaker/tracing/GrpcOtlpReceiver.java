package io.pipelinelens.sensemaker.tracing;

import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceResponse;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.opentelemetry.proto.trace.v1.ScopeSpans;
import io.opentelemetry.proto.trace.v1.Span;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.catalina.Context;
import org.apache.catalina.LifecycleException;
import org.apache.catalina.connector.Connector;
import org.apache.catalina.startup.Tomcat;
import org.apache.coyote.http2.Http2Protocol;

/**
 * An in-process OTLP/gRPC trace receiver on loopback, built on the Tomcat that is on the classpath
 * anyway (HTTP/2 over cleartext with prior knowledge, as gRPC clients speak it): it decodes each
 * {@code TraceService/Export} call as a collector would. No gRPC server library is needed.
 */
final class GrpcOtlpReceiver implements AutoCloseable {

    static final String EXPORT_PATH = "/opentelemetry.proto.collector.trace.v1.TraceService/Export";

    private final Tomcat tomcat;
    private final List<Span> spans = new CopyOnWriteArrayList<>();
    private final AtomicInteger calls = new AtomicInteger();

    private GrpcOtlpReceiver() throws IOException, LifecycleException {
        tomcat = new Tomcat();
        tomcat.setBaseDir(Files.createTempDirectory("grpc-otlp").toString());
        Connector connector = new Connector();
        connector.setPort(0);
        connector.setProperty("address", "127.0.0.1");
        connector.addUpgradeProtocol(new Http2Protocol());
        tomcat.setConnector(connector);
        Context context = tomcat.addContext("", null);
        Tomcat.addServlet(context, "export", new ExportServlet());
        context.addServletMappingDecoded(EXPORT_PATH, "export");
        tomcat.start();
    }

    static GrpcOtlpReceiver start() {
        try {
            return new GrpcOtlpReceiver();
        } catch (IOException | LifecycleException e) {
            throw new IllegalStateException("cannot start the gRPC OTLP receiver", e);
        }
    }

    /** The endpoint as {@code OTEL_EXPORTER_OTLP_ENDPOINT} takes it for grpc. */
    String endpoint() {
        return "http://127.0.0.1:" + tomcat.getConnector().getLocalPort();
    }

    List<Span> spans() {
        return List.copyOf(spans);
    }

    int calls() {
        return calls.get();
    }

    @Override
    public void close() {
        try {
            tomcat.stop();
            tomcat.destroy();
        } catch (LifecycleException e) {
            throw new IllegalStateException(e);
        }
    }

    private final class ExportServlet extends HttpServlet {
        @Override
        protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
            calls.incrementAndGet();
            if (!"HTTP/2.0".equals(request.getProtocol())
                    || request.getContentType() == null
                    || !request.getContentType().startsWith("application/grpc")) {
                response.sendError(415, "expected gRPC over HTTP/2, got " + request.getProtocol());
                return;
            }
            // A gRPC message: compressed flag (1 byte), length (4 bytes, big-endian), protobuf.
            DataInputStream in = new DataInputStream(request.getInputStream());
            int compressed = in.readUnsignedByte();
            byte[] message = new byte[in.readInt()];
            in.readFully(message);
            if (compressed != 0) {
                trailers(response, 12, "compressed messages are not supported by this test receiver");
                return;
            }
            ExportTraceServiceRequest export = ExportTraceServiceRequest.parseFrom(message);
            for (ResourceSpans rs : export.getResourceSpansList()) {
                for (ScopeSpans ss : rs.getScopeSpansList()) {
                    spans.addAll(ss.getSpansList());
                }
            }
            byte[] reply = ExportTraceServiceResponse.getDefaultInstance().toByteArray();
            ByteArrayOutputStream frame = new ByteArrayOutputStream();
            DataOutputStream out = new DataOutputStream(frame);
            out.writeByte(0);
            out.writeInt(reply.length);
            out.write(reply);
            response.setStatus(200);
            response.setContentType("application/grpc");
            response.setTrailerFields(() -> Map.of("grpc-status", "0"));
            response.getOutputStream().write(frame.toByteArray());
        }

        private void trailers(HttpServletResponse response, int status, String message) {
            response.setStatus(200);
            response.setContentType("application/grpc");
            response.setTrailerFields(() -> Map.of("grpc-status", String.valueOf(status), "grpc-message", message));
        }
    }
}
