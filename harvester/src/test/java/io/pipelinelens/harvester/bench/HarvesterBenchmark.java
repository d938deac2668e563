package io.pipelinelens.harvester.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.pipelinelens.harvester.Harvesters;
import io.pipelinelens.harvester.MockCluster;
import io.pipelinelens.harvester.ObservationQueue;
import io.pipelinelens.testing.LocalRabbit;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.IntConsumer;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.MessageBuilder;
import org.springframework.amqp.core.MessageDeliveryMode;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.connection.CorrelationData;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Throughput and memory of the harvester against the fabric8 mock API (CRUD) and the machine's
 * RabbitMQ, with publisher confirms; prints its figures. Not part of the build (its name matches
 * neither {@code *Tests} nor {@code *IT}); run it on purpose:
 *
 * <pre>./mvnw -B -o -pl harvester test -Dtest=HarvesterBenchmark -Dbench.objects=20000</pre>
 */
class HarvesterBenchmark {

    private static final int OBJECTS = Integer.getInteger("bench.objects", 20_000);
    private static final int CLIENT_THREADS = 4;

    @Test
    void measure() throws Exception {
        String exchange = LocalRabbit.uniqueName("harvester-bench");
        try (MockCluster cluster = new MockCluster();
                ObservationQueue queue = new ObservationQueue(exchange)) {
            List<String> report = new ArrayList<>();
            report.add("objects: " + OBJECTS + " (PipelineRuns and TaskRuns from the fixtures), cores: "
                    + Runtime.getRuntime().availableProcessors());

            // 1. The mock API alone: how fast it takes changes, for context.
            long t = System.nanoTime();
            parallel(OBJECTS, i -> {
                String kind = i % 2 == 0 ? "PipelineRun" : "TaskRun";
                cluster.resources(kind)
                        .resource(cluster.newObject(kind, "bench-" + i))
                        .create();
            });
            report.add(rate("mock API creates (no harvester)", OBJECTS, System.nanoTime() - t));
            long heapWithoutHarvester = heapAfterGc();

            // 2. Start the harvester: its initial list turns every object into a confirmed event.
            long started = System.nanoTime();
            ConfigurableApplicationContext harvester = Harvesters.start(
                    cluster, exchange, LocalRabbit.broker().port(), Map.of("logging.level.root", "WARN"));
            try {
                long[] window = awaitMessages(queue, OBJECTS, started);
                report.add(rate(
                        "initial list -> RabbitMQ (confirmed), first to last message", OBJECTS, window[1] - window[0]));
                report.add(String.format("  startup to last message: %.1f s", (window[1] - started) / 1e9));
                queue.purge();

                // 3. Updates through the API while the harvester watches: changes/s end to end.
                List<GenericKubernetesResource> all = new ArrayList<>();
                all.addAll(cluster.resources("PipelineRun").list().getItems());
                all.addAll(cluster.resources("TaskRun").list().getItems());
                long updatesStarted = System.nanoTime();
                CompletableFuture<long[]> arrived =
                        CompletableFuture.supplyAsync(() -> awaitMessages(queue, all.size(), updatesStarted));
                parallel(all.size(), i -> {
                    GenericKubernetesResource o = all.get(i);
                    o.getMetadata().getLabels().put("pipelinelens.io/bench", "updated");
                    cluster.resources(o.getKind()).resource(o).update();
                });
                long apiDone = System.nanoTime();
                long[] updates = arrived.get(10, TimeUnit.MINUTES);
                report.add(rate("mock API updates (harvester watching)", all.size(), apiDone - updatesStarted));
                report.add(rate(
                        "updates API -> harvester -> RabbitMQ (confirmed), end to end",
                        all.size(),
                        updates[1] - updatesStarted));

                // 4. Memory: heap after GC with the harvester watching every object, and its share
                // (the benchmark's own copies of the objects are let go first).
                all.clear();
                long heapWithHarvester = heapAfterGc();
                report.add(String.format(
                        "heap used after GC: %.0f MiB with the harvester watching %d objects; %.0f MiB before it started"
                                + " (the mock API's objects live in the same JVM) -> harvester share %.0f MiB",
                        mib(heapWithHarvester),
                        OBJECTS,
                        mib(heapWithoutHarvester),
                        mib(heapWithHarvester - heapWithoutHarvester)));

                // 5. The floor: raw publish-with-confirms of messages of the same size, same batching.
                Message sample = sample(queue);
                queue.purge();
                report.add(rawConfirmedPublish(exchange, sample, OBJECTS, queue));
            } finally {
                harvester.close();
            }
            System.out.println("\n=== HarvesterBenchmark ===");
            report.forEach(System.out::println);
            System.out.println("==========================\n");
        }
    }

    /** Publishes {@code count} copies of {@code sample} like the harvester does: 256 at a time, then waits for their confirms. */
    private static String rawConfirmedPublish(String exchange, Message sample, int count, ObservationQueue queue)
            throws Exception {
        LocalRabbit.Broker broker = LocalRabbit.broker();
        CachingConnectionFactory factory = new CachingConnectionFactory(broker.host(), broker.port());
        factory.setUsername(broker.username());
        factory.setPassword(broker.password());
        factory.setPublisherConfirmType(CachingConnectionFactory.ConfirmType.CORRELATED);
        factory.setPublisherReturns(true);
        try {
            RabbitTemplate template = new RabbitTemplate(factory);
            template.setMandatory(true);
            String routingKey = sample.getMessageProperties().getReceivedRoutingKey();
            byte[] body = sample.getBody();
            long t = System.nanoTime();
            for (int sent = 0; sent < count; ) {
                List<CorrelationData> batch = new ArrayList<>(256);
                for (int i = 0; i < 256 && sent < count; i++, sent++) {
                    Message m = MessageBuilder.withBody(body)
                            .setContentType("application/cloudevents+json")
                            .setMessageId("raw-" + sent)
                            .setDeliveryMode(MessageDeliveryMode.PERSISTENT)
                            .build();
                    CorrelationData c = new CorrelationData("raw-" + sent);
                    template.send(exchange, routingKey, m, c);
                    batch.add(c);
                }
                for (CorrelationData c : batch) {
                    assertThat(c.getFuture().get(30, TimeUnit.SECONDS).ack()).isTrue();
                }
            }
            long elapsed = System.nanoTime() - t;
            assertThat(queue.messageCount()).isGreaterThanOrEqualTo(count);
            queue.purge();
            return rate(
                    "raw RabbitMQ publish with confirms, " + body.length + "-byte messages (the floor)",
                    count,
                    elapsed);
        } finally {
            factory.destroy();
        }
    }

    private static Message sample(ObservationQueue queue) {
        var received = queue.await(r -> true, 1, Duration.ofSeconds(60));
        assertThat(received).hasSize(1);
        return received.getFirst().message();
    }

    /** Polls the queue depth; returns when the first message and the {@code count}-th were seen. */
    private static long[] awaitMessages(ObservationQueue queue, int count, long since) {
        long first = -1;
        long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(10);
        while (System.nanoTime() < deadline) {
            long depth = queue.messageCount();
            long now = System.nanoTime();
            if (depth > 0 && first < 0) {
                first = now;
            }
            if (depth >= count) {
                return new long[] {first, now};
            }
            sleep(20);
        }
        throw new IllegalStateException("only " + queue.messageCount() + " of " + count + " messages arrived");
    }

    private static void parallel(int count, IntConsumer work) throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(CLIENT_THREADS);
        try {
            List<CompletableFuture<Void>> parts = new ArrayList<>();
            for (int p = 0; p < CLIENT_THREADS; p++) {
                int part = p;
                parts.add(CompletableFuture.runAsync(
                        () -> {
                            for (int i = part; i < count; i += CLIENT_THREADS) {
                                work.accept(i);
                            }
                        },
                        pool));
            }
            CompletableFuture.allOf(parts.toArray(CompletableFuture[]::new)).get(30, TimeUnit.MINUTES);
        } finally {
            pool.shutdown();
        }
    }

    private static long heapAfterGc() {
        for (int i = 0; i < 3; i++) {
            System.gc();
            sleep(200);
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    private static String rate(String what, int count, long nanos) {
        return String.format("%s: %,d in %.2f s = %,.0f /s", what, count, nanos / 1e9, count / (nanos / 1e9));
    }

    private static double mib(long bytes) {
        return bytes / (1024.0 * 1024.0);
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
