package io.pipelinelens.sensemaker.bench;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jooq.ExecuteContext;
import org.jooq.ExecuteListener;
import org.jooq.impl.DefaultConfiguration;
import org.springframework.boot.jooq.autoconfigure.DefaultConfigurationCustomizer;

/**
 * Times every statement the sensemaker's own code sends through jOOQ while recording is on, named
 * after the method that sent it, and keeps one of each with its values inlined so that its plan can
 * be shown ({@code EXPLAIN ANALYZE} in a transaction that is rolled back).
 */
final class QueryTimings implements DefaultConfigurationCustomizer, ExecuteListener {

    private static final Pattern SCAN = Pattern.compile(
            "(Seq Scan|Parallel Seq Scan|Index Scan|Index Only Scan|Bitmap Index Scan)(?: Backward)?(?: using (\\S+))? on (\\S+)");
    private static final String STARTED = "bench.started";

    private final Map<String, ConcurrentLinkedQueue<Long>> nanos = new ConcurrentHashMap<>();
    private final Map<String, Sample> samples = new ConcurrentHashMap<>();
    private final Map<String, List<String>> statements = new ConcurrentHashMap<>();
    private volatile boolean recording;

    /** A statement's figures over a window. */
    record Timing(String caller, int count, double p50Ms, double p95Ms, double maxMs, Sample sql) {}

    /** A statement as sent (placeholders) and its values as SQL literals. */
    record Sample(String sql, List<String> values) {}

    @Override
    public void customize(DefaultConfiguration configuration) {
        // Added to the listeners Boot configured (its exception translation stays).
        List<org.jooq.ExecuteListenerProvider> providers =
                new ArrayList<>(List.of(configuration.executeListenerProviders()));
        providers.add(new org.jooq.impl.DefaultExecuteListenerProvider(this));
        configuration.set(providers.toArray(org.jooq.ExecuteListenerProvider[]::new));
    }

    void record(boolean on) {
        recording = on;
    }

    void reset() {
        nanos.clear();
    }

    @Override
    public void start(ExecuteContext ctx) {
        if (recording) {
            ctx.data(STARTED, System.nanoTime());
        }
    }

    @Override
    public void end(ExecuteContext ctx) {
        Object started = ctx.data(STARTED);
        if (!recording || !(started instanceof Long start)) {
            return;
        }
        long took = System.nanoTime() - start;
        // A method that sends several statements gets a line for each.
        String caller = caller();
        String sql = ctx.sql() == null ? "" : ctx.sql();
        List<String> sent = statements.computeIfAbsent(caller, c -> new java.util.concurrent.CopyOnWriteArrayList<>());
        int index = sent.indexOf(sql);
        if (index < 0) {
            sent.add(sql);
            index = sent.indexOf(sql);
        }
        if (index > 0) {
            caller = caller + " #" + (index + 1);
        }
        nanos.computeIfAbsent(caller, c -> new ConcurrentLinkedQueue<>()).add(took);
        if (!samples.containsKey(caller) && ctx.query() != null && ctx.sql() != null) {
            List<String> values = ctx.query().getBindValues().stream()
                    .map(v -> ctx.dsl().renderInlined(org.jooq.impl.DSL.inline(v)))
                    .toList();
            samples.putIfAbsent(caller, new Sample(ctx.sql(), values));
        }
    }

    List<Timing> timings() {
        List<Timing> all = new ArrayList<>();
        nanos.forEach((caller, values) -> {
            List<Long> sorted = new ArrayList<>(values);
            sorted.sort(Long::compare);
            all.add(new Timing(
                    caller,
                    sorted.size(),
                    ms(sorted.get(sorted.size() / 2)),
                    ms(sorted.get((int) Math.min(sorted.size() - 1, Math.ceil(sorted.size() * 0.95) - 1))),
                    ms(sorted.getLast()),
                    samples.get(caller)));
        });
        all.sort((a, b) -> a.caller().compareTo(b.caller()));
        return all;
    }

    /**
     * The scans of the statement's plan (e.g. "Index Scan using x on t") and its execution time,
     * planned as PostgreSQL plans a statement it has seen a few times: once for any value (a
     * generic plan), so that a condition only a literal could match to an index shows.
     */
    static Optional<String> plan(Connection db, Sample sample) {
        if (sample == null) {
            return Optional.empty();
        }
        try {
            boolean autoCommit = db.getAutoCommit();
            db.setAutoCommit(false);
            try (Statement st = db.createStatement()) {
                st.execute("set local plan_cache_mode = force_generic_plan");
                st.execute("set local jit = off");
                st.execute("prepare bench_statement as " + numbered(sample.sql()));
                String execute = "explain (analyze, buffers) execute bench_statement"
                        + (sample.values().isEmpty() ? "" : "(" + String.join(", ", sample.values()) + ")");
                Set<String> scans = new LinkedHashSet<>();
                String time = "";
                try (ResultSet rs = st.executeQuery(execute)) {
                    while (rs.next()) {
                        String line = rs.getString(1);
                        Matcher m = SCAN.matcher(line);
                        while (m.find()) {
                            scans.add(m.group(1) + (m.group(2) == null ? "" : " " + m.group(2)) + " on " + m.group(3));
                        }
                        if (line.startsWith("Execution Time")) {
                            time = line.substring("Execution Time: ".length());
                        }
                    }
                }
                return Optional.of(time + "  " + String.join("; ", scans));
            } finally {
                db.rollback();
                try (Statement st = db.createStatement()) {
                    st.execute("deallocate all");
                }
                db.setAutoCommit(autoCommit);
            }
        } catch (Exception e) {
            return Optional.of("(no plan: " + e.getMessage().lines().findFirst().orElse("") + ")");
        }
    }

    /** JDBC's placeholders as PostgreSQL's numbered parameters (the statements hold no other "?"). */
    private static String numbered(String sql) {
        StringBuilder out = new StringBuilder();
        int n = 0;
        boolean quoted = false;
        for (char c : sql.toCharArray()) {
            if (c == '\'') {
                quoted = !quoted;
            }
            if (c == '?' && !quoted) {
                out.append('$').append(++n);
            } else {
                out.append(c);
            }
        }
        return out.toString();
    }

    private static double ms(long nanos) {
        return nanos / 1e6;
    }

    private static String caller() {
        return StackWalker.getInstance()
                .walk(frames -> frames.filter(f -> f.getClassName().startsWith("io.pipelinelens.sensemaker.")
                                && !f.getClassName().startsWith("io.pipelinelens.sensemaker.bench.")
                                && !f.getClassName().contains("$$"))
                        .findFirst()
                        .map(f -> f.getClassName().substring(f.getClassName().lastIndexOf('.') + 1) + "."
                                + f.getMethodName())
                        .orElse("?"));
    }
}
