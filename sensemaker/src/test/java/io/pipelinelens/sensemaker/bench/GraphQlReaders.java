package io.pipelinelens.sensemaker.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Clients that look traces up over GraphQL, one request after the other each, as fast as answers
 * come, until stopped: what a team of users and a dashboard do while the sensemaker ingests.
 */
final class GraphQlReaders implements AutoCloseable {

    private static final String QUERY = """
            { "query": "{ trace(pipelineRun: {namespace: \\"bench\\", name: \\"%s\\"}) \
            { traceId spanCount root { name status } spans { spanId parentSpanId name start end status } } }" }""";

    private final HttpClient http = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    private final ConcurrentLinkedQueue<Long> latencies = new ConcurrentLinkedQueue<>();
    private final AtomicInteger errors = new AtomicInteger();
    private final AtomicInteger empty = new AtomicInteger();
    private final List<Thread> clients = new ArrayList<>();
    private volatile boolean running = true;

    /** Figures of the lookups made. */
    record Figures(int requests, long p50Ms, long p99Ms, long maxMs, int errors, int notFound) {}

    GraphQlReaders(int port, List<String> runNames, int clientCount) {
        URI uri = URI.create("http://127.0.0.1:" + port + "/graphql");
        for (int i = 0; i < clientCount; i++) {
            clients.add(Thread.ofPlatform().name("bench-graphql-" + i).daemon().start(() -> {
                while (running) {
                    String name = runNames.get(ThreadLocalRandom.current().nextInt(runNames.size()));
                    HttpRequest request = HttpRequest.newBuilder(uri)
                            .timeout(Duration.ofSeconds(30))
                            .header("Content-Type", "application/json")
                            .POST(HttpRequest.BodyPublishers.ofString(QUERY.formatted(name)))
                            .build();
                    long start = System.nanoTime();
                    try {
                        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                        long took = System.nanoTime() - start;
                        if (response.statusCode() != 200 || response.body().contains("\"errors\"")) {
                            errors.incrementAndGet();
                        } else {
                            latencies.add(took);
                            if (response.body().contains("\"trace\":null")) {
                                empty.incrementAndGet();
                            }
                        }
                    } catch (Exception e) {
                        if (running) {
                            errors.incrementAndGet();
                        }
                    }
                }
            }));
        }
    }

    Figures figures() {
        List<Long> sorted = new ArrayList<>(latencies);
        sorted.sort(Long::compare);
        if (sorted.isEmpty()) {
            return new Figures(0, -1, -1, -1, errors.get(), empty.get());
        }
        return new Figures(
                sorted.size(),
                sorted.get(sorted.size() / 2) / 1_000_000,
                sorted.get((int) Math.min(sorted.size() - 1, Math.ceil(sorted.size() * 0.99) - 1)) / 1_000_000,
                sorted.getLast() / 1_000_000,
                errors.get(),
                empty.get());
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        for (Thread client : clients) {
            client.join(Duration.ofSeconds(35));
        }
        http.close();
    }
}
