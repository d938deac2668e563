package io.pipelinelens.sensemaker.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.proto.common.v1.KeyValue;
import io.pipelinelens.contracts.ResourceEvents;
import io.pipelinelens.sensemaker.Observations;
import io.pipelinelens.sensemaker.SensemakerApplication;
import io.pipelinelens.testing.LocalPostgres;
import io.pipelinelens.testing.LocalRabbit;
import io.pipelinelens.testing.OtlpReceiver;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.core.Message;
import org.springframework.amqp.core.Queue;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.amqp.rabbit.listener.RabbitListenerEndpointRegistry;
import org.springframework.amqp.rabbit.listener.SimpleMessageListenerContainer;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;
import org.springframework.modulith.runtime.ApplicationModulesRuntime;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The sensemaker's throughput and latency, as a command (not part of the build: the name matches
 * neither {@code *Tests} nor {@code *IT}):
 *
 * <pre>./mvnw -B -o -pl sensemaker test -Dtest=SensemakerBenchmark -Dbench.runs=1000</pre>
 *
 * <p>{@code -Dbench.settle=3s} and {@code -Dbench.concurrency=1} set the sensemaker's settle time
 * and consumers per replica; {@code -Dbench.paced.runs=100} and {@code -Dbench.paced.rate=500}
 * (events/s) the load of the latency phase.
 *
 * <p>A synthetic load of realistic runs — a PipelineRun with 4 TaskRuns, their Pods and an Event
 * per Pod, each object observed in 3 versions — goes through the machine's RabbitMQ into the
 * sensemaker on the machine's PostgreSQL. A backlog queued before the consumers start gives the
 * ingest rate and the rate at which runs come out as exported spans; then runs published at a
 * steady rate give the p50/p99 time from a run's terminal change being published to its span
 * arriving at an OTLP receiver. The floor is measured in the same run from the same backlog: the
 * messages consumed with one insert each and no logic, per message and in batches.
 */
class SensemakerBenchmark {

    private static final int TASKS = 4;
    private static final int VERSIONS = 3;
    /** The sensemaker's {@code ingest.batch-size} (200 by default), used by the batched floor too. */
    private static final int BATCH = Integer.getInteger("bench.batch", 200);

    @Test
    void measure() throws Exception {
        int runs = Integer.getInteger("bench.runs", 500);
        int pacedRuns = Integer.getInteger("bench.paced.runs", 100);
        int rate = Integer.getInteger("bench.paced.rate", 500);
        List<Run> load = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            load.add(run("bench-run-" + i));
        }
        List<Run> paced = new ArrayList<>();
        for (int i = 0; i < pacedRuns; i++) {
            paced.add(run("paced-run-" + i));
        }
        int events = load.stream().mapToInt(r -> r.messages.size()).sum();
        LocalRabbit.Broker broker = LocalRabbit.broker();
        CachingConnectionFactory connections = new CachingConnectionFactory(broker.host(), broker.port());
        connections.setUsername(broker.username());
        connections.setPassword(broker.password());
        connections.setPublisherConfirmType(CachingConnectionFactory.ConfirmType.CORRELATED);
        try {
            double floorPerMessage = floor(connections, load, events, 1);
            double floor = floor(connections, load, events, BATCH);
            Result result = sensemaker(connections, load, events, paced, rate);
            System.out.printf(
                    """
                    === SensemakerBenchmark ===
                    backlog                   %d runs, %d events (PipelineRun + %d TaskRuns + Pods + Events, %d versions each), queued before consuming starts
                    sensemaker ingest         %.0f events/s (%.1f s to store every event)
                    every node in its trace   after %.1f s
                    every node recorded       after %.1f s (settle %s)
                    sensemaker traced         %.0f events/s (%.1f s until every run's span was exported)
                    floor, batches of %d     %.0f events/s (consume + one insert per event, a transaction per batch)
                    floor, per message        %.0f events/s (consume + one insert, a transaction per message)
                    sensemaker / floor        %.0f %% (ingest / batched floor)
                    paced load                %d runs at %d events/s after the backlog
                    terminal change → span    p50 %d ms, p99 %d ms, max %d ms (settle %s, %s consumers)
                    ===========================
                    """,
                    runs,
                    events,
                    TASKS,
                    VERSIONS,
                    result.eventsPerSecond,
                    result.seconds,
                    result.placedSeconds,
                    result.recordedSeconds,
                    System.getProperty("bench.settle", "3s"),
                    events / result.tracedSeconds,
                    result.tracedSeconds,
                    BATCH,
                    floor,
                    floorPerMessage,
                    100 * result.eventsPerSecond / floor,
                    pacedRuns,
                    rate,
                    result.p50,
                    result.p99,
                    result.max,
                    System.getProperty("bench.settle", "3s"),
                    System.getProperty("bench.concurrency", "1"));
        } finally {
            connections.destroy();
        }
    }

    /**
     * The same messages, consumed by a bare listener that inserts each one and does nothing else:
     * one transaction per message, or one per batch of {@code batch} messages as the sensemaker
     * consumes them.
     */
    private double floor(CachingConnectionFactory connections, List<Run> load, int events, int batch) throws Exception {
        String queue = LocalRabbit.uniqueName("bench.floor");
        RabbitAdmin admin = new RabbitAdmin(connections);
        admin.declareQueue(new Queue(queue, true, false, false));
        try (LocalPostgres.Database database = LocalPostgres.createDatabase("benchfloor");
                Connection db = database.connect()) {
            try (Statement st = db.createStatement()) {
                st.execute("create table observations (id text primary key, body jsonb not null)");
                // The same compression as the sensemaker's snapshots (migration V4), where there is lz4.
                st.execute("""
                        do $$ begin
                          if exists (select 1 from pg_settings
                                     where name = 'default_toast_compression' and 'lz4' = any (enumvals)) then
                            alter table observations alter column body set compression lz4;
                          end if;
                        end $$""");
            }
            RabbitTemplate template = new RabbitTemplate(connections);
            for (Run run : load) {
                for (Message message : run.messages) {
                    template.send("", queue, message);
                }
            }
            awaitQueued(connections, queue, events);
            CountDownLatch done = new CountDownLatch(events);
            db.setAutoCommit(batch == 1);
            PreparedStatement insert = db.prepareStatement(
                    "insert into observations (id, body) values (?, ?::jsonb) on conflict do nothing");
            SimpleMessageListenerContainer container = new SimpleMessageListenerContainer(connections);
            container.setQueueNames(queue);
            container.setPrefetchCount(Math.max(100, 2 * batch));
            if (batch > 1) {
                container.setConsumerBatchEnabled(true);
                container.setBatchSize(batch);
                container.setBatchReceiveTimeout(50L);
            }
            container.setMessageListener(new org.springframework.amqp.core.BatchMessageListener() {
                @Override
                public void onMessage(Message message) {
                    onMessageBatch(List.of(message));
                }

                @Override
                public void onMessageBatch(List<Message> messages) {
                    try {
                        for (Message message : messages) {
                            insert.setString(1, message.getMessageProperties().getMessageId());
                            insert.setString(2, new String(message.getBody(), java.nio.charset.StandardCharsets.UTF_8));
                            insert.addBatch();
                        }
                        insert.executeBatch();
                        if (batch > 1) {
                            db.commit();
                        }
                        messages.forEach(m -> done.countDown());
                    } catch (java.sql.SQLException e) {
                        throw new IllegalStateException(e);
                    }
                }
            });
            long start = System.nanoTime();
            container.start();
            assertThat(done.await(10, TimeUnit.MINUTES)).isTrue();
            double seconds = (System.nanoTime() - start) / 1e9;
            container.stop();
            return events / seconds;
        } finally {
            admin.deleteQueue(queue);
        }
    }

    /**
     * Two phases on one sensemaker: a backlog queued before its consumers start (the same setting
     * as the floor) gives the throughput; runs published at a steady rate below it give the
     * latency, which a backlog would only turn into queueing time.
     */
    private Result sensemaker(
            CachingConnectionFactory connections, List<Run> load, int events, List<Run> paced, int rate)
            throws Exception {
        String exchange = LocalRabbit.uniqueName("bench.observations");
        String queue = LocalRabbit.uniqueName("bench.ingest");
        LocalRabbit.Broker broker = LocalRabbit.broker();
        EmbeddedKafkaKraftBroker kafka = new EmbeddedKafkaKraftBroker(1, 1, "pipeline-lens.status");
        kafka.afterPropertiesSet();
        try (LocalPostgres.Database database = LocalPostgres.createDatabase("bench");
                OtlpReceiver otlp = OtlpReceiver.start()) {
            ConfigurableApplicationContext app = new SpringApplicationBuilder(SensemakerApplication.class)
                    .run(
                            "--server.port=0",
                            "--spring.datasource.url=" + database.jdbcUrl(),
                            "--spring.datasource.username=" + database.username(),
                            "--spring.datasource.password=" + database.password(),
                            "--spring.rabbitmq.host=" + broker.host(),
                            "--spring.rabbitmq.port=" + broker.port(),
                            "--spring.rabbitmq.username=" + broker.username(),
                            "--spring.rabbitmq.password=" + broker.password(),
                            "--spring.rabbitmq.listener.simple.auto-startup=false",
                            "--spring.kafka.bootstrap-servers=" + kafka.getBrokersAsString(),
                            "--pipelinelens.sensemaker.ingest.exchange=" + exchange,
                            "--pipelinelens.sensemaker.ingest.queue=" + queue,
                            "--pipelinelens.sensemaker.ingest.batch-size=" + BATCH,
                            "--pipelinelens.sensemaker.ingest.concurrency="
                                    + System.getProperty("bench.concurrency", "1"),
                            "--pipelinelens.sensemaker.tracing.settle=" + System.getProperty("bench.settle", "3s"),
                            "--otel.exporter.otlp.endpoint=" + otlp.endpoint(),
                            "--logging.level.root=WARN",
                            "--logging.level.io.pipelinelens=" + System.getProperty("bench.log", "WARN"));
            try (Connection db = database.connect()) {
                // Consumers are not started yet, so nothing has declared the sensemaker's queue.
                app.getBean(RabbitAdmin.class).initialize();
                // Spring Modulith analyses the modules once, in the background, after startup:
                // let it finish so that it does not share the cores with the measurement.
                app.getBean(ApplicationModulesRuntime.class).get();
                RabbitTemplate template = new RabbitTemplate(connections);
                for (Run run : load) {
                    for (int i = 0; i < run.messages.size(); i++) {
                        template.send(exchange, run.routingKeys.get(i), run.messages.get(i));
                    }
                }
                awaitQueued(connections, queue, events);

                Instant start = Instant.now();
                app.getBean(RabbitListenerEndpointRegistry.class).start();
                long deadline = System.nanoTime() + Duration.ofMinutes(15).toNanos();
                while (count(db) < events && System.nanoTime() < deadline) {
                    Thread.sleep(20);
                }
                assertThat(count(db)).isEqualTo(events);
                double seconds = Duration.between(start, Instant.now()).toNanos() / 1e9;
                int nodes = load.size() * (1 + TASKS);
                awaitCount(db, "select count(*) from trace_nodes where trace_id is not null", nodes);
                double placedSeconds = Duration.between(start, Instant.now()).toNanos() / 1e9;
                awaitCount(db, "select count(*) from trace_nodes where recorded", nodes);
                double recordedSeconds = Duration.between(start, Instant.now()).toNanos() / 1e9;
                Map<String, Instant> exported = awaitRunSpans(otlp, load);
                double tracedSeconds = exported.values().stream()
                        .max(Instant::compareTo)
                        .map(last -> Duration.between(start, last).toNanos() / 1e9)
                        .orElseThrow();

                Map<String, Instant> terminalPublished = new HashMap<>();
                long pause = 1_000_000_000L / rate;
                long next = System.nanoTime();
                for (Run run : paced) {
                    for (int i = 0; i < run.messages.size(); i++) {
                        while (System.nanoTime() < next) {
                            Thread.onSpinWait();
                        }
                        next += pause;
                        template.send(exchange, run.routingKeys.get(i), run.messages.get(i));
                        if (i == run.terminal) {
                            terminalPublished.put(run.uid, Instant.now());
                        }
                    }
                }
                Map<String, Instant> pacedExported = awaitRunSpans(otlp, paced);
                List<Long> latencies = new ArrayList<>();
                pacedExported.forEach((uid, at) -> latencies.add(
                        Duration.between(terminalPublished.get(uid), at).toMillis()));
                latencies.sort(Long::compare);
                return new Result(
                        events / seconds,
                        seconds,
                        placedSeconds,
                        recordedSeconds,
                        tracedSeconds,
                        latencies.get(latencies.size() / 2),
                        latencies.get((int) Math.min(latencies.size() - 1, Math.ceil(latencies.size() * 0.99) - 1)),
                        latencies.getLast(),
                        latencies.size());
            } finally {
                app.close();
                LocalRabbit.delete(List.of(queue, queue + ".dlq"), List.of(exchange, exchange + ".dlx"));
            }
        } finally {
            kafka.destroy();
        }
    }

    /** When each run's {@code RUN} span arrived at the receiver. */
    private static Map<String, Instant> awaitRunSpans(OtlpReceiver otlp, List<Run> runs) throws InterruptedException {
        Map<String, Instant> wanted = new HashMap<>();
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        java.util.Set<String> uids = new java.util.HashSet<>();
        runs.forEach(r -> uids.add(r.uid));
        while (wanted.size() < runs.size() && System.nanoTime() < deadline) {
            for (OtlpReceiver.ReceivedSpan s : otlp.spans()) {
                if (s.span().getName().startsWith("RUN ")) {
                    String uid = attribute(s.span().getAttributesList(), "cicd.pipeline.run.id");
                    if (uids.contains(uid)) {
                        wanted.putIfAbsent(uid, s.receivedAt());
                    }
                }
            }
            Thread.sleep(100);
        }
        assertThat(wanted).hasSize(runs.size());
        return wanted;
    }

    private static void awaitQueued(CachingConnectionFactory connections, String queue, int events)
            throws InterruptedException {
        RabbitAdmin admin = new RabbitAdmin(connections);
        long deadline = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (System.nanoTime() < deadline) {
            var info = admin.getQueueInfo(queue);
            if (info != null && info.getMessageCount() >= events) {
                return;
            }
            Thread.sleep(50);
        }
        throw new AssertionError("the backlog did not reach " + queue);
    }

    private static void awaitCount(Connection db, String query, int expected) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        while (System.nanoTime() < deadline) {
            try (Statement st = db.createStatement();
                    ResultSet rs = st.executeQuery(query)) {
                rs.next();
                if (rs.getInt(1) >= expected) {
                    return;
                }
            }
            Thread.sleep(20);
        }
        throw new AssertionError("not reached in time: " + query + " >= " + expected);
    }

    private static int count(Connection db) throws java.sql.SQLException {
        try (Statement st = db.createStatement();
                ResultSet rs = st.executeQuery("select count(*) from received_events")) {
            rs.next();
            return rs.getInt(1);
        }
    }

    /** One run: its objects in the order a watch would see them, each in three versions. */
    private static Run run(String runName) {
        String runUid = UUID.randomUUID().toString();
        ObjectNode pipelineRun = Observations.fixture("tekton/pipelinerun-v1-lighthouse-presubmit-succeeded.yaml");
        ObjectNode prMeta = (ObjectNode) pipelineRun.path("metadata");
        prMeta.remove("ownerReferences");
        prMeta.put("uid", runUid).put("name", runName).put("namespace", "bench");
        ObjectNode labels = (ObjectNode) prMeta.path("labels");
        labels.remove("event-GUID");
        labels.remove("lighthouse.jenkins-x.io/id");
        labels.remove("lighthouse.jenkins-x.io/buildNum");
        Run run = new Run(runUid);
        List<JsonNode[]> objects = new ArrayList<>();
        objects.add(versions(pipelineRun));
        for (int t = 0; t < TASKS; t++) {
            String taskUid = UUID.randomUUID().toString();
            String podName = runName + "-task-" + t + "-pod";
            ObjectNode taskRun = Observations.fixture("tekton/taskrun-v1-lighthouse-presubmit-succeeded.yaml");
            ObjectNode trMeta = taskRun.withObject("metadata");
            trMeta.put("uid", taskUid).put("name", runName + "-task-" + t).put("namespace", "bench");
            trMeta.withObject("labels")
                    .put("tekton.dev/pipelineRun", runName)
                    .put("tekton.dev/pipelineTask", "task-" + t);
            ArrayNode owners = trMeta.putArray("ownerReferences");
            owners.addObject()
                    .put("apiVersion", "tekton.dev/v1")
                    .put("kind", "PipelineRun")
                    .put("name", runName)
                    .put("uid", runUid)
                    .put("controller", true);
            taskRun.put("apiVersion", "tekton.dev/v1").put("kind", "TaskRun");
            taskRun.withObject("status").put("podName", podName);
            objects.add(versions(taskRun));

            String podUid = UUID.randomUUID().toString();
            ObjectNode pod = Observations.fixture("pods/pod-taskrun-meta-pipeline-succeeded.yaml");
            ObjectNode podMeta = (ObjectNode) pod.path("metadata");
            podMeta.put("uid", podUid).put("name", podName).put("namespace", "bench");
            ArrayNode podOwners = podMeta.putArray("ownerReferences");
            podOwners
                    .addObject()
                    .put("apiVersion", "tekton.dev/v1")
                    .put("kind", "TaskRun")
                    .put("uid", taskUid)
                    .put("name", runName + "-task-" + t)
                    .put("controller", true);
            objects.add(versions(pod));

            ObjectNode event = (ObjectNode) io.pipelinelens.testing.Fixtures.objects(
                            "events/k8s-events-v1-deployment-rollout-pod-lifecycle.yaml")
                    .get(2)
                    .deepCopy();
            ObjectNode eventMeta = event.withObject("metadata");
            eventMeta
                    .put("uid", UUID.randomUUID().toString())
                    .put("name", podName + ".event")
                    .put("namespace", "bench");
            event.withObject("involvedObject")
                    .put("kind", "Pod")
                    .put("uid", podUid)
                    .put("name", podName);
            objects.add(versions(event));
        }
        // Version by version, as watches deliver them; the run's final state comes last.
        for (int v = 0; v < VERSIONS; v++) {
            for (JsonNode[] versions : objects) {
                JsonNode object = versions[v];
                run.messages.add(
                        Observations.message(ResourceEvents.Action.APPLIED, object, java.time.OffsetDateTime.now()));
                run.routingKeys.add(Observations.routingKey(object));
            }
        }
        run.terminal = (VERSIONS - 1) * objects.size();
        return run;
    }

    /** Three versions: created (no status), running, finished (the fixture's own status). */
    private static JsonNode[] versions(ObjectNode finished) {
        JsonNode[] versions = new JsonNode[VERSIONS];
        long base = 1000;
        for (int v = 0; v < VERSIONS; v++) {
            ObjectNode copy = finished.deepCopy();
            copy.withObject("metadata").put("resourceVersion", Long.toString(base + v));
            if (v == 0) {
                copy.remove("status");
            } else if (v == 1 && copy.path("status").has("conditions")) {
                ObjectNode status = copy.withObject("status");
                status.remove("completionTime");
                status.putArray("conditions")
                        .addObject()
                        .put("type", "Succeeded")
                        .put("status", "Unknown")
                        .put("reason", "Running");
            }
            if ("Event".equals(copy.path("kind").asString(""))) {
                copy.put("count", v + 1);
            }
            versions[v] = copy;
        }
        return versions;
    }

    private static String attribute(List<KeyValue> attributes, String key) {
        return attributes.stream()
                .filter(kv -> kv.getKey().equals(key))
                .map(kv -> kv.getValue().getStringValue())
                .findFirst()
                .orElse(null);
    }

    private static final class Run {
        final String uid;
        final List<Message> messages = new ArrayList<>();
        final List<String> routingKeys = new ArrayList<>();
        int terminal;

        Run(String uid) {
            this.uid = uid;
        }
    }

    private record Result(
            double eventsPerSecond,
            double seconds,
            double placedSeconds,
            double recordedSeconds,
            double tracedSeconds,
            long p50,
            long p99,
            long max,
            int latencies) {}
}
