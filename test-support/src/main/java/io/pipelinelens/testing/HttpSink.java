package io.pipelinelens.testing;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** A loopback HTTP endpoint that records every request it gets and answers with a chosen status. */
public final class HttpSink implements AutoCloseable {

    /** One received request; header names are lower case. */
    public record Request(String method, String path, Map<String, String> headers, byte[] body) {
        public String bodyText() {
            return new String(body, StandardCharsets.UTF_8);
        }

        public String header(String name) {
            return headers.get(name.toLowerCase(java.util.Locale.ROOT));
        }
    }

    private final HttpServer server;
    private final List<Request> requests = new CopyOnWriteArrayList<>();
    private volatile int status = 200;

    private HttpSink(HttpServer server) {
        this.server = server;
    }

    public static HttpSink start() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            HttpSink sink = new HttpSink(server);
            server.createContext("/", exchange -> {
                try (exchange) {
                    Map<String, String> headers = new TreeMap<>();
                    exchange.getRequestHeaders()
                            .forEach((k, v) -> headers.put(k.toLowerCase(java.util.Locale.ROOT), String.join(",", v)));
                    byte[] body = exchange.getRequestBody().readAllBytes();
                    sink.requests.add(new Request(
                            exchange.getRequestMethod(),
                            exchange.getRequestURI().getPath(),
                            Map.copyOf(headers),
                            body));
                    exchange.sendResponseHeaders(sink.status, -1);
                }
            });
            server.start();
            return sink;
        } catch (IOException e) {
            throw new IllegalStateException("cannot bind the HTTP sink", e);
        }
    }

    public String url(String path) {
        return "http://127.0.0.1:" + server.getAddress().getPort() + path;
    }

    public void respondWith(int status) {
        this.status = status;
    }

    public List<Request> requests() {
        return List.copyOf(requests);
    }

    public List<Request> awaitRequests(int count, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (requests.size() < count && System.nanoTime() < deadline) {
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        if (requests.size() < count) {
            throw new AssertionError("expected " + count + " requests within " + timeout + ", got " + requests.size());
        }
        return requests();
    }

    @Override
    public void close() {
        server.stop(0);
    }
}
