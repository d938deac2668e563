package io.pipelinelens.frontend.runs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.web.client.RestClient;

/** Against a real HTTP server on loopback standing in for the sensemaker. */
class SensemakerRunsClientIT {

    private static final String TWO_RUNS = """
            [
              {"uid":"7d1c","namespace":"ci","name":"build-42","pipeline":"build","result":"success",
               "startedAt":"2026-11-22T10:15:03.250Z","completedAt":"2026-11-22T10:17:08Z",
               "traceId":"4bf92f3577b34da6a3ce929d0e0e4736","repository":"https://github.com/acme/shop",
               "branch":"main","revision":"9f8e7d6c5b4a39281706f5e4d3c2b1a098765432","exported":true},
              {"uid":"8e2d","namespace":"ci","name":"test-7","pipeline":"test","result":"failure",
               "startedAt":"2026-11-22T09:00:00Z","completedAt":null,"traceId":null,
               "repository":null,"branch":null,"revision":null,"exported":false}
            ]
            """;

    private final List<URI> requests = new CopyOnWriteArrayList<>();
    private final CountDownLatch release = new CountDownLatch(1);
    private HttpServer server;

    @AfterEach
    void stopServer() {
        release.countDown();
        if (server != null) {
            server.stop(0);
        }
    }

    @Test
    void readsTheRunsTheSensemakerServes() throws IOException {
        serve(exchange -> answer(exchange, 200, TWO_RUNS));

        List<FinishedRun> runs = client(Duration.ofSeconds(5)).latest(2);

        assertThat(requests).singleElement().satisfies(uri -> {
            assertThat(uri.getPath()).isEqualTo("/api/runs");
            assertThat(uri.getQuery()).isEqualTo("limit=2");
        });
        assertThat(runs)
                .containsExactly(
                        new FinishedRun(
                                "7d1c",
                                "ci",
                                "build-42",
                                "build",
                                "success",
                                Instant.parse("2026-11-22T10:15:03.250Z"),
                                Instant.parse("2026-11-22T10:17:08Z"),
                                "4bf92f3577b34da6a3ce929d0e0e4736",
                                "https://github.com/acme/shop",
                                "main",
                                "9f8e7d6c5b4a39281706f5e4d3c2b1a098765432",
                                true),
                        new FinishedRun(
                                "8e2d",
                                "ci",
                                "test-7",
                                "test",
                                "failure",
                                Instant.parse("2026-11-22T09:00:00Z"),
                                null,
                                null,
                                null,
                                null,
                                null,
                                false));
    }

    @Test
    void readsAnEmptyList() throws IOException {
        serve(exchange -> answer(exchange, 200, "[]"));

        assertThat(client(Duration.ofSeconds(5)).latest(50)).isEmpty();
    }

    @Test
    void reportsAnErrorStatusAsUnavailable() throws IOException {
        serve(exchange -> answer(exchange, 503, "{\"error\":\"starting\"}"));
        SensemakerRunsClient client = client(Duration.ofSeconds(5));

        assertThatThrownBy(() -> client.latest(10))
                .isInstanceOf(RunsUnavailable.class)
                .hasMessageContaining(baseUrl().toString())
                .hasMessageContaining("503");
    }

    @Test
    void reportsAClosedPortAsUnreachable() throws IOException {
        serve(exchange -> answer(exchange, 200, "[]"));
        URI closed = baseUrl();
        server.stop(0);
        server = null;
        SensemakerRunsClient client =
                new SensemakerRunsClient(RestClient.builder(), closed, Duration.ofSeconds(2), Duration.ofSeconds(2));

        assertThatThrownBy(() -> client.latest(10))
                .isInstanceOf(RunsUnavailable.class)
                .hasMessageContaining(closed.toString())
                .hasMessageContaining("cannot be reached")
                .hasMessageContaining("ConnectException");
    }

    @Test
    void givesUpOnASensemakerThatDoesNotAnswerInTime() throws IOException {
        serve(exchange -> {
            awaitRelease();
            answer(exchange, 200, "[]");
        });
        SensemakerRunsClient client = client(Duration.ofMillis(300));

        long start = System.nanoTime();
        assertThatThrownBy(() -> client.latest(10))
                .isInstanceOf(RunsUnavailable.class)
                .hasMessageContaining("cannot be reached")
                .hasMessageContaining("HttpTimeoutException");
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(5));
    }

    @Test
    void reportsABodyThatIsNotRunsAsUnreadable() throws IOException {
        serve(exchange -> answer(exchange, 200, "{\"runs\":"));
        SensemakerRunsClient client = client(Duration.ofSeconds(5));

        assertThatThrownBy(() -> client.latest(10))
                .isInstanceOf(RunsUnavailable.class)
                .hasMessageContaining("cannot be read");
    }

    private interface Handler {
        void handle(HttpExchange exchange) throws IOException;
    }

    private void serve(Handler handler) throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.setExecutor(Executors.newVirtualThreadPerTaskExecutor());
        server.createContext("/", exchange -> {
            try (exchange) {
                requests.add(exchange.getRequestURI());
                handler.handle(exchange);
            }
        });
        server.start();
    }

    private URI baseUrl() {
        InetSocketAddress address = server.getAddress();
        return URI.create("http://" + address.getHostString() + ":" + address.getPort());
    }

    private SensemakerRunsClient client(Duration readTimeout) {
        return new SensemakerRunsClient(RestClient.builder(), baseUrl(), Duration.ofSeconds(2), readTimeout);
    }

    private static void answer(HttpExchange exchange, int status, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        exchange.getResponseHeaders().set("Content-Type", "application/json");
        exchange.sendResponseHeaders(status, bytes.length);
        exchange.getResponseBody().write(bytes);
    }

    private void awaitRelease() {
        try {
            release.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
