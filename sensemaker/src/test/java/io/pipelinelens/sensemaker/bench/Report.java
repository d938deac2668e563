package io.pipelinelens.sensemaker.bench;

import java.util.Map;
import java.util.TreeMap;

/** Prints the benchmark's figures between {@code === SensemakerBenchmark ===} lines. */
final class Report {

    private Report() {}

    static void print(
            int runs,
            int pacedRuns,
            int rate,
            int historyRuns,
            int clients,
            double floor,
            double floorPerMessage,
            SensemakerBenchmark.Phase fresh,
            SensemakerBenchmark.Phase history) {
        StringBuilder out = new StringBuilder("=== SensemakerBenchmark ===\n");
        out.append(
                "backlog       %d runs, %d events (PipelineRun + %d TaskRuns + Pods + Events, %d versions each), queued before consuming starts%n"
                        .formatted(runs, runs * 13 * BenchLoad.VERSIONS, BenchLoad.TASKS, BenchLoad.VERSIONS));
        out.append(
                "paced load    %d runs at %d events/s after the backlog, stamped as sent; settle %s, %s consumer(s)%n"
                        .formatted(
                                pacedRuns,
                                rate,
                                SensemakerBenchmark.SETTLE,
                                System.getProperty("bench.concurrency", "1")));
        if (history != null) {
            out.append("history       %d runs over the last 30 days, %d stored events before the backlogs%n"
                    .formatted(historyRuns, history.storedEvents()));
        }
        out.append(
                "floor         %.0f events/s in batches of %d (consume + one insert per event, a transaction per batch); %.0f events/s a transaction per message%n"
                        .formatted(floor, SensemakerBenchmark.BATCH, floorPerMessage));
        out.append("%n%-40s %18s %18s%n".formatted("", "empty database", history == null ? "" : "with history"));
        row(out, "sensemaker ingest (events/s)", fresh, history, p -> "%.0f".formatted(p.eventsPerSecond()));
        row(out, "  / batched floor", fresh, history, p -> "%.0f %%".formatted(100 * p.eventsPerSecond() / floor));
        row(out, "every node in its trace after", fresh, history, p -> "%.1f s".formatted(p.placedSeconds()));
        row(out, "every node recorded after", fresh, history, p -> "%.1f s".formatted(p.recordedSeconds()));
        row(
                out,
                "backlog to last span (events/s)",
                fresh,
                history,
                p -> "%.0f".formatted(runs * 13.0 * BenchLoad.VERSIONS / p.tracedSeconds()));
        row(out, "paced: terminal change -> span p50", fresh, history, p -> p.p50() + " ms");
        row(out, "paced: p99 / max", fresh, history, p -> p.p99() + " / " + p.max() + " ms");
        if (history != null && history.graphql() != null) {
            GraphQlReaders.Figures g = history.graphql();
            out.append(
                    "%nGraphQL trace lookups by %d clients during another backlog's ingest (history): %d answered, p50 %d ms, p99 %d ms, max %d ms, %d errors, %d not found; ingest meanwhile %.0f events/s%n"
                            .formatted(
                                    clients,
                                    g.requests(),
                                    g.p50Ms(),
                                    g.p99Ms(),
                                    g.maxMs(),
                                    g.errors(),
                                    g.notFound(),
                                    history.readIngestPerSecond()));
        }
        out.append("\nStatements during the paced load (count, p50 / p95 ms):\n");
        out.append("%-48s %24s %24s   %s%n"
                .formatted("caller", "empty database", "with history", "plan on the history (execution, scans)"));
        Map<String, QueryTimings.Timing[]> byCaller = new TreeMap<>();
        fresh.statements().forEach(t -> byCaller.computeIfAbsent(t.caller(), c -> new QueryTimings.Timing[2])[0] = t);
        if (history != null) {
            history.statements()
                    .forEach(t -> byCaller.computeIfAbsent(t.caller(), c -> new QueryTimings.Timing[2])[1] = t);
        }
        byCaller.forEach((caller, t) -> out.append("%-48s %24s %24s   %s%n"
                .formatted(
                        caller,
                        cell(t[0]),
                        cell(t[1]),
                        history == null
                                ? fresh.plans().getOrDefault(caller, "")
                                : history.plans().getOrDefault(caller, ""))));
        out.append("===========================\n");
        System.out.print(out);
    }

    private static String cell(QueryTimings.Timing t) {
        return t == null ? "-" : "%d, %.2f / %.2f".formatted(t.count(), t.p50Ms(), t.p95Ms());
    }

    private static void row(
            StringBuilder out,
            String label,
            SensemakerBenchmark.Phase fresh,
            SensemakerBenchmark.Phase history,
            java.util.function.Function<SensemakerBenchmark.Phase, String> value) {
        out.append(
                "%-40s %18s %18s%n".formatted(label, value.apply(fresh), history == null ? "" : value.apply(history)));
    }
}
