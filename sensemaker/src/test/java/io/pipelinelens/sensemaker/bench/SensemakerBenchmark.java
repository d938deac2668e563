package io.pipelinelens.sensemaker.bench;

import static org.assertj.core.api.Assertions.assertThat;

import io.opentelemetry.proto.common.v1.KeyValue;
import io.pipelinelens.testing.LocalPostgres;
import io.pipelinelens.testing.LocalRabbit;
import io.pipelinelens.testing.OtlpReceiver;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.amqp.rabbit.core.RabbitTemplate;
import org.springframework.kafka.test.EmbeddedKafkaKraftBroker;

/**
 * The sensemaker's throughput and latency, as a command (not part of the build: the name matches
 * neither {@code *Tests} nor {@code *IT}); {@code docs/benchmarks/sensemaker.md} says how to run it
 * and what it prints.
 *
 * <p>A synthetic load of realistic runs ({@link BenchLoad}) goes through the machine's RabbitMQ
 * into the sensemaker on the machine's PostgreSQL, twice: on an empty database, and on a copy of a
 * database holding 30 days of history ({@link HistoryDatabase}). Each time, a backlog queued before
 * the consumers start gives the ingest rate and the rate at which runs come out as exported spans
 * (on the history, while 20 clients look traces up over GraphQL); then runs published at a steady
 * rate give the p50/p99 time from a run's terminal change to its span arriving at an OTLP receiver,
 * and the time of every statement the sensemaker sends meanwhile. The floor is measured in the same
 * run from the same kind of backlog: the messages consumed with one insert each and no logic.
 */
class SensemakerBenchmark {

    /** The sensemaker's {@code ingest.batch-size} (200 by default), used by the batched floor too. */
    static final int BATCH = Integer.getInteger("bench.batch", 200);

    static final String SETTLE = System.getProperty("bench.settle", "3s");

    @Test
    void measure() throws Exception {
        int runs = Integer.getInteger("bench.runs", 500);
        int pacedRuns = Integer.getInteger("bench.paced.runs", 100);
        int rate = Integer.getInteger("bench.paced.rate", 500);
        int historyRuns = Integer.getInteger("bench.history.runs", 25_642);
        int clients = Integer.getInteger("bench.graphql.clients", 20);
        LocalRabbit.Broker broker = LocalRabbit.broker();
        CachingConnectionFactory connections = new CachingConnectionFactory(broker.host(), broker.port());
        connections.setUsername(broker.username());
        connections.setPassword(broker.password());
        connections.setPublisherConfirmType(CachingConnectionFactory.ConfirmType.CORRELATED);
        EmbeddedKafkaKraftBroker kafka = new EmbeddedKafkaKraftBroker(1, 1, "pipeline-lens.status");
        kafka.afterPropertiesSet();
        try {
            Phase fresh;
            Phase history = null;
            double floorPerMessage = Floor.measure(connections, load("floor", runs), 1);
            double floor = Floor.measure(connections, load("floor-batched", runs), BATCH);
            try (LocalPostgres.Database database = LocalPostgres.createDatabase("bench")) {
                fresh = measureOn(
                        database, connections, kafka, load("bench", runs), load("paced", pacedRuns), rate, null, null);
            }
            if (historyRuns > 0) {
                try (LocalPostgres.Database database =
                        HistoryDatabase.copy(historyRuns, connections, kafka.getBrokersAsString())) {
                    List<String> names = IntStream.range(0, historyRuns)
                            .mapToObj(HistoryDatabase::historyName)
                            .toList();
                    history = measureOn(
                            database,
                            connections,
                            kafka,
                            load("bench-h", runs),
                            load("paced-h", pacedRuns),
                            rate,
                            port -> new GraphQlReaders(port, names, clients),
                            load("read-h", runs));
                }
            }
            Report.print(runs, pacedRuns, rate, historyRuns, clients, floor, floorPerMessage, fresh, history);
        } finally {
            connections.destroy();
            kafka.destroy();
        }
    }

    private static List<BenchLoad.Run> load(String prefix, int runs) {
        Instant now = Instant.now();
        List<BenchLoad.Run> load = new ArrayList<>();
        for (int i = 0; i < runs; i++) {
            load.add(BenchLoad.run(prefix + "-run-" + i, now));
        }
        return load;
    }

    /** What one sensemaker did with the backlog and the paced load on one database. */
    record Phase(
            double eventsPerSecond,
            double seconds,
            double placedSeconds,
            double recordedSeconds,
            double tracedSeconds,
            long p50,
            long p99,
            long max,
            List<QueryTimings.Timing> statements,
            Map<String, String> plans,
            GraphQlReaders.Figures graphql,
            double readIngestPerSecond,
            long storedEvents) {}

    private Phase measureOn(
            LocalPostgres.Database database,
            CachingConnectionFactory connections,
            EmbeddedKafkaKraftBroker kafka,
            List<BenchLoad.Run> load,
            List<BenchLoad.Run> paced,
            int rate,
            Function<Integer, GraphQlReaders> readers,
            List<BenchLoad.Run> readLoad)
            throws Exception {
        int events = BenchLoad.events(load);
        QueryTimings timings = new QueryTimings();
        try (OtlpReceiver otlp = OtlpReceiver.start();
                BenchSensemaker sensemaker =
                        new BenchSensemaker(database, kafka.getBrokersAsString(), otlp.endpoint(), timings);
                Connection db = database.connect()) {
            long history = count(db, "select count(*) from received_events");
            String stored = since(db);
            RabbitTemplate template = new RabbitTemplate(connections);
            for (BenchLoad.Run run : load) {
                run.publish(template, sensemaker.exchange);
            }
            awaitQueued(connections, sensemaker.queue, events);

            Instant start = Instant.now();
            sensemaker.startConsuming();
            double seconds = awaitStored(db, stored, events, start);
            Set<String> uids = uids(load);
            awaitCount(db, placed(uids, "trace_id is not null"), uids.size(), Duration.ofMinutes(5));
            double placedSeconds = Duration.between(start, Instant.now()).toNanos() / 1e9;
            awaitCount(db, placed(uids, "recorded"), uids.size(), Duration.ofMinutes(5));
            double recordedSeconds = Duration.between(start, Instant.now()).toNanos() / 1e9;
            Map<String, Instant> exported = awaitRunSpans(otlp, load);
            double tracedSeconds = exported.values().stream()
                    .max(Instant::compareTo)
                    .map(last -> Duration.between(start, last).toNanos() / 1e9)
                    .orElseThrow();

            // Paced: each observation stamped as it is sent, as the harvester does.
            timings.record(true);
            Map<String, Instant> terminalPublished = new HashMap<>();
            long pause = 1_000_000_000L / rate;
            long next = System.nanoTime();
            for (BenchLoad.Run run : paced) {
                for (int i = 0; i < run.size(); i++) {
                    long wait = next - System.nanoTime();
                    if (wait > 0) {
                        Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                    }
                    next += pause;
                    template.send(sensemaker.exchange, run.routingKeys.get(i), run.message(i, OffsetDateTime.now()));
                    if (i == run.terminal) {
                        terminalPublished.put(run.uid, Instant.now());
                    }
                }
            }
            Map<String, Instant> pacedExported = awaitRunSpans(otlp, paced);
            timings.record(false);
            List<Long> latencies = new ArrayList<>();
            pacedExported.forEach((uid, at) -> latencies.add(
                    Duration.between(terminalPublished.get(uid), at).toMillis()));
            latencies.sort(Long::compare);
            List<QueryTimings.Timing> statements = timings.timings();

            // Another backlog, while clients look traces up: the API's answers under full ingest.
            GraphQlReaders.Figures graphql = null;
            double readIngest = 0;
            if (readers != null) {
                sensemaker.stopConsuming();
                String storedNow = since(db);
                for (BenchLoad.Run run : readLoad) {
                    run.publish(template, sensemaker.exchange);
                }
                awaitQueued(connections, sensemaker.queue, BenchLoad.events(readLoad));
                GraphQlReaders clients = readers.apply(sensemaker.port());
                Instant readStart = Instant.now();
                sensemaker.startConsuming();
                readIngest =
                        BenchLoad.events(readLoad) / awaitStored(db, storedNow, BenchLoad.events(readLoad), readStart);
                clients.close();
                graphql = clients.figures();
            }
            Map<String, String> plans = new HashMap<>();
            for (QueryTimings.Timing t : statements) {
                QueryTimings.plan(db, t.sql()).ifPresent(plan -> plans.put(t.caller(), plan));
            }
            return new Phase(
                    events / seconds,
                    seconds,
                    placedSeconds,
                    recordedSeconds,
                    tracedSeconds,
                    latencies.get(latencies.size() / 2),
                    latencies.get((int) Math.min(latencies.size() - 1, Math.ceil(latencies.size() * 0.99) - 1)),
                    latencies.getLast(),
                    statements,
                    plans,
                    graphql,
                    readIngest,
                    history);
        }
    }

    /** Counts the events stored from now on: a count over the history would load the cores. */
    private static String since(Connection db) throws java.sql.SQLException {
        try (Statement st = db.createStatement();
                ResultSet rs = st.executeQuery("select now()::text")) {
            rs.next();
            return "select count(*) from received_events where received_at >= '" + rs.getString(1) + "'";
        }
    }

    /** @return seconds from {@code start} until every event was stored */
    private static double awaitStored(Connection db, String stored, int events, Instant start) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(15).toNanos();
        while (count(db, stored) < events && System.nanoTime() < deadline) {
            Thread.sleep(100);
        }
        double seconds = Duration.between(start, Instant.now()).toNanos() / 1e9;
        assertThat(count(db, stored)).isEqualTo(events);
        return seconds;
    }

    private static Set<String> uids(List<BenchLoad.Run> load) {
        Set<String> uids = new HashSet<>();
        for (BenchLoad.Run run : load) {
            for (var object : run.objects) {
                String kind = object.path("kind").asString();
                if (kind.equals("PipelineRun") || kind.equals("TaskRun")) {
                    uids.add(object.path("metadata").path("uid").asString());
                }
            }
        }
        return uids;
    }

    private static String placed(Set<String> uids, String condition) {
        return "select count(*) from trace_nodes where " + condition + " and uid = any('{" + String.join(",", uids)
                + "}'::text[])";
    }

    /** When each run's {@code RUN} span arrived at the receiver. */
    private static Map<String, Instant> awaitRunSpans(OtlpReceiver otlp, List<BenchLoad.Run> runs)
            throws InterruptedException {
        Map<String, Instant> wanted = new HashMap<>();
        long deadline = System.nanoTime() + Duration.ofMinutes(5).toNanos();
        Set<String> uids = new HashSet<>();
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

    static void awaitQueued(CachingConnectionFactory connections, String queue, int events)
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

    static void awaitCount(Connection db, String query, long expected, Duration within) throws Exception {
        long deadline = System.nanoTime() + within.toNanos();
        while (System.nanoTime() < deadline) {
            if (count(db, query) >= expected) {
                return;
            }
            Thread.sleep(20);
        }
        throw new AssertionError("not reached in time: " + query + " >= " + expected);
    }

    static long count(Connection db, String query) throws java.sql.SQLException {
        try (Statement st = db.createStatement();
                ResultSet rs = st.executeQuery(query)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static String attribute(List<KeyValue> attributes, String key) {
        return attributes.stream()
                .filter(kv -> kv.getKey().equals(key))
                .map(kv -> kv.getValue().getStringValue())
                .findFirst()
                .orElse(null);
    }
}
