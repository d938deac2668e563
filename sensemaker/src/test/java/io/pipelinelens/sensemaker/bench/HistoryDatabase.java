package io.pipelinelens.sensemaker.bench;

import com.sun.net.httpserver.HttpServer;
import io.pipelinelens.testing.LocalPostgres;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Locale;
import java.util.UUID;
import org.springframework.amqp.rabbit.connection.CachingConnectionFactory;
import org.springframework.amqp.rabbit.core.RabbitAdmin;
import org.springframework.amqp.rabbit.core.RabbitTemplate;

/**
 * A database holding 30 days of history: {@code runs} runs spread over the last 30 days, each
 * ingested, placed, traced and exported by a real sensemaker. Building it takes a while, so it is
 * kept as a template ({@code bench_history_<runs>_v<schema>}) and each measurement gets a copy.
 * A new migration makes a new template.
 */
final class HistoryDatabase {

    private static final Duration SPAN = Duration.ofDays(30);
    /** Raise when the shape of the load changes, so that an older template is not reused. */
    private static final int LOAD_VERSION = 1;

    private HistoryDatabase() {}

    static String historyName(int i) {
        return "hist-" + i;
    }

    /** A fresh copy of the history, built first if no template exists yet. */
    static LocalPostgres.Database copy(int runs, CachingConnectionFactory connections, String kafka) throws Exception {
        LocalPostgres.Server server = LocalPostgres.server();
        String template = "bench_history_" + runs + "_v" + schemaVersion() + "_" + LOAD_VERSION;
        if (Boolean.getBoolean("bench.history.rebuild") && exists(server, template)) {
            execute(server, "drop database \"" + template + "\"");
        }
        if (!exists(server, template)) {
            build(server, template, runs, connections, kafka);
        }
        String name = ("plt" + System.currentTimeMillis() / 1000 + "_benchhist_"
                        + UUID.randomUUID().toString().substring(0, 8))
                .toLowerCase(Locale.ROOT);
        long start = System.nanoTime();
        execute(server, "create database \"" + name + "\" template \"" + template + "\"");
        System.out.printf("history: copied %s in %.1f s%n", template, (System.nanoTime() - start) / 1e9);
        return new LocalPostgres.Database(server, name);
    }

    private static void build(
            LocalPostgres.Server server, String template, int runs, CachingConnectionFactory connections, String kafka)
            throws Exception {
        String building = template + "_building";
        execute(server, "drop database if exists \"" + building + "\" with (force)");
        execute(server, "create database \"" + building + "\"");
        LocalPostgres.Database database = new LocalPostgres.Database(server, building);
        System.out.printf(
                "history: building %s (%d runs, %d events); this takes a while%n",
                template, runs, runs * 13 * BenchLoad.VERSIONS);
        long started = System.nanoTime();
        HttpServer collector = discardingCollector();
        try (AutoCloseable stopCollector = () -> collector.stop(0);
                BenchSensemaker sensemaker = new BenchSensemaker(
                        database,
                        kafka,
                        "http://127.0.0.1:" + collector.getAddress().getPort(),
                        null);
                Connection db = database.connect()) {
            sensemaker.startConsuming();
            RabbitTemplate rabbit = new RabbitTemplate(connections);
            RabbitAdmin admin = new RabbitAdmin(connections);
            Instant first = Instant.now().minus(SPAN).plus(Duration.ofHours(1));
            Duration step = SPAN.minus(Duration.ofHours(2)).dividedBy(runs);
            int events = 0;
            for (int i = 0; i < runs; i++) {
                Instant created = first.plus(step.multipliedBy(i));
                BenchLoad.Run run = BenchLoad.run(historyName(i), created);
                int perVersion = run.size() / BenchLoad.VERSIONS;
                for (int m = 0; m < run.size(); m++) {
                    // Created, running a minute later, finished ten minutes later: as a watch saw it then.
                    Instant observed = created.plus(Duration.ofMinutes(new int[] {0, 1, 10}[m / perVersion]));
                    rabbit.send(
                            sensemaker.exchange,
                            run.routingKeys.get(m),
                            run.message(m, OffsetDateTime.ofInstant(observed, ZoneOffset.UTC)));
                }
                events += run.size();
                if (i % 200 == 199) {
                    // Keep the broker's queue short: the sensemaker drains while this publishes.
                    while (depth(admin, sensemaker.queue) > 20_000) {
                        Thread.sleep(200);
                    }
                }
                if (i % 2_500 == 2_499) {
                    try (Statement st = db.createStatement()) {
                        st.execute("analyze");
                    }
                    System.out.printf(
                            "history: %d runs published after %.0f s%n", i + 1, (System.nanoTime() - started) / 1e9);
                }
            }
            awaitZero(db, "select " + events + " - count(*) from received_events");
            awaitZero(db, "select count(*) from trace_nodes where not recorded and parked_reason is null");
            awaitZero(db, "select count(*) from spans where exported_at is null and refused_at is null");
            awaitZero(db, "select count(*) from status_outbox where published_at is null");
        }
        try (Connection db = database.connect();
                Statement st = db.createStatement()) {
            st.execute("vacuum analyze");
        }
        execute(server, "alter database \"" + building + "\" rename to \"" + template + "\"");
        System.out.printf("history: built %s in %.0f s%n", template, (System.nanoTime() - started) / 1e9);
    }

    private static void awaitZero(Connection db, String query) throws Exception {
        long deadline = System.nanoTime() + Duration.ofMinutes(60).toNanos();
        while (System.nanoTime() < deadline) {
            try (Statement st = db.createStatement();
                    ResultSet rs = st.executeQuery(query)) {
                rs.next();
                if (rs.getLong(1) == 0) {
                    return;
                }
            }
            Thread.sleep(1_000);
        }
        throw new AssertionError("history not settled: " + query);
    }

    private static int depth(RabbitAdmin admin, String queue) {
        var info = admin.getQueueInfo(queue);
        return info == null ? 0 : (int) info.getMessageCount();
    }

    /** An OTLP endpoint that accepts and forgets: history spans need only be exported. */
    private static HttpServer discardingCollector() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        server.createContext("/v1/traces", exchange -> {
            try (InputStream in = exchange.getRequestBody()) {
                in.transferTo(java.io.OutputStream.nullOutputStream());
            }
            exchange.getResponseHeaders().add("Content-Type", "application/x-protobuf");
            exchange.sendResponseHeaders(200, -1);
            exchange.close();
        });
        server.start();
        return server;
    }

    /** The newest migration's version on the classpath. */
    static int schemaVersion() throws IOException {
        java.util.regex.Pattern migration = java.util.regex.Pattern.compile("V(\\d+)__.*\\.sql");
        return java.util.Arrays.stream(new org.springframework.core.io.support.PathMatchingResourcePatternResolver()
                        .getResources("classpath*:db/migration/V*.sql"))
                .map(r -> migration.matcher(r.getFilename()))
                .filter(java.util.regex.Matcher::matches)
                .mapToInt(m -> Integer.parseInt(m.group(1)))
                .max()
                .orElse(0);
    }

    private static boolean exists(LocalPostgres.Server server, String name) throws SQLException {
        try (Connection c = admin(server);
                var st = c.prepareStatement("select 1 from pg_database where datname = ?")) {
            st.setString(1, name);
            try (ResultSet rs = st.executeQuery()) {
                return rs.next();
            }
        }
    }

    private static void execute(LocalPostgres.Server server, String sql) throws SQLException {
        try (Connection c = admin(server);
                Statement st = c.createStatement()) {
            st.execute(sql);
        }
    }

    private static Connection admin(LocalPostgres.Server server) throws SQLException {
        return DriverManager.getConnection(
                "jdbc:postgresql://" + server.host() + ":" + server.port() + "/postgres",
                server.user(),
                server.password());
    }
}
