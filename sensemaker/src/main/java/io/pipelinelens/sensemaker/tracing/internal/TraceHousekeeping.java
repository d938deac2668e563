package io.pipelinelens.sensemaker.tracing.internal;

import static io.pipelinelens.sensemaker.db.Tables.PIPELINE_RUNS;
import static io.pipelinelens.sensemaker.db.Tables.SPANS;

import io.pipelinelens.sensemaker.ingest.GitWebhooks;
import io.pipelinelens.sensemaker.ingest.Snapshot;
import io.pipelinelens.sensemaker.ingest.Snapshots;
import io.pipelinelens.sensemaker.tracing.PipelineRunFinished;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ScheduledFuture;
import org.jooq.DSLContext;
import org.jooq.Record2;
import org.jooq.impl.DSL;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * The clock of trace assembly: retries waiting nodes and gives up on those that waited too long,
 * records the spans of nodes that finished and settled, and closes git event roots once their
 * children are done. Every step locks with {@code SKIP LOCKED}, so replicas share the work.
 */
@Component
class TraceHousekeeping implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(TraceHousekeeping.class);

    private final TraceGraph graph;
    private final TraceAssembler assembler;
    private final SpanFactory factory;
    private final SpanStore spans;
    private final Snapshots snapshots;
    private final GitWebhooks webhooks;
    private final DSLContext db;
    private final ApplicationEventPublisher events;
    private final SpanExportJob export;
    private final TransactionTemplate transactions;
    private final TaskScheduler scheduler;
    private final TracingProperties properties;
    private volatile ScheduledFuture<?> task;

    TraceHousekeeping(
            TraceGraph graph,
            TraceAssembler assembler,
            SpanFactory factory,
            SpanStore spans,
            Snapshots snapshots,
            GitWebhooks webhooks,
            DSLContext db,
            ApplicationEventPublisher events,
            SpanExportJob export,
            TransactionTemplate transactions,
            TaskScheduler scheduler,
            TracingProperties properties) {
        this.graph = graph;
        this.assembler = assembler;
        this.factory = factory;
        this.spans = spans;
        this.snapshots = snapshots;
        this.webhooks = webhooks;
        this.db = db;
        this.events = events;
        this.export = export;
        this.transactions = transactions;
        this.scheduler = scheduler;
        this.properties = properties;
    }

    @Override
    public void start() {
        task = scheduler.scheduleWithFixedDelay(this::tick, properties.tick());
    }

    @Override
    public void stop() {
        ScheduledFuture<?> t = task;
        if (t != null) {
            t.cancel(false);
        }
        task = null;
    }

    @Override
    public boolean isRunning() {
        return task != null;
    }

    void tick() {
        try {
            transactions.executeWithoutResult(status -> retryPending());
            transactions.executeWithoutResult(status -> graph.inheritMissingTraces());
            recordSettled();
            closeRoots();
        } catch (RuntimeException e) {
            log.warn("Trace housekeeping failed, retrying next tick: {}", e.toString());
        }
    }

    private void retryPending() {
        OffsetDateTime giveUpBefore = OffsetDateTime.now().minus(properties.pendingTimeout());
        for (TraceNode pending : graph.lockPending(properties.batch())) {
            if (pending.firstSeenAt().isBefore(giveUpBefore)) {
                log.info(
                        "{} {}/{} waited {} for its parent; exporting it without",
                        pending.kind(),
                        pending.namespace(),
                        pending.name(),
                        properties.pendingTimeout());
                assembler.giveUpWaiting(pending);
            } else {
                assembler.retry(pending);
            }
        }
    }

    private void recordSettled() {
        for (int i = 0; i < properties.batch(); i++) {
            Boolean recorded = transactions.execute(status -> {
                List<TraceNode> nodes = graph.lockSettled(1);
                if (nodes.isEmpty()) {
                    return false;
                }
                record(nodes.getFirst());
                return true;
            });
            if (!Boolean.TRUE.equals(recorded)) {
                return;
            }
        }
    }

    private void closeRoots() {
        transactions.executeWithoutResult(status -> {
            for (TraceNode root : graph.lockClosableRoots(properties.rootGrace(), properties.batch())) {
                Record2<Long, Long> extent = db.select(DSL.min(SPANS.START_EPOCH_NANOS), DSL.max(SPANS.END_EPOCH_NANOS))
                        .from(SPANS)
                        .where(SPANS.TRACE_ID.eq(root.traceId()))
                        .and(SPANS.SPAN_ID.ne(root.spanId()))
                        .fetchOne();
                if (extent == null || extent.value1() == null) {
                    continue;
                }
                SpanRecord span = factory.gitEvent(
                        root,
                        "GitEvent".equals(root.kind()) ? webhooks.byId(root.name()) : Optional.empty(),
                        instant(extent.value1()),
                        instant(extent.value2()));
                store(root, List.of(span));
            }
        });
    }

    private void record(TraceNode node) {
        if (Correlations.PULL_REQUEST.equals(node.kind())) {
            recordPullRequest(node);
            return;
        }
        Optional<Snapshot> snapshot = snapshots.byUid(node.uid());
        if (snapshot.isEmpty()) {
            graph.markRecorded(node.uid());
            return;
        }
        List<SpanRecord> recorded;
        try {
            recorded = switch (node.kind()) {
                case "PipelineRun" -> factory.pipelineRun(node, snapshot.get());
                case "TaskRun" -> factory.taskRun(node, snapshot.get());
                case "LighthouseJob" -> factory.lighthouseJob(node, snapshot.get());
                case "PipelineActivity" -> factory.pipelineActivity(node, snapshot.get());
                default -> List.of();
            };
        } catch (RuntimeException e) {
            // A resource we cannot make sense of must not block the others: say so and move on.
            log.error(
                    "Cannot build the spans of {} {}/{}: {}", node.kind(), node.namespace(), node.name(), e.toString());
            graph.markRecorded(node.uid());
            return;
        }
        store(node, recorded);
        if ("PipelineRun".equals(node.kind()) && !recorded.isEmpty()) {
            finished(node, snapshot.get(), recorded.getFirst());
        }
    }

    /** Its name is {@code owner/repo#number}; the span comes from the PR's newest delivery. */
    private void recordPullRequest(TraceNode node) {
        int hash = node.name().lastIndexOf('#');
        List<SpanRecord> recorded;
        try {
            recorded = webhooks
                    .latestPullRequest(
                            node.name().substring(0, hash),
                            Long.parseLong(node.name().substring(hash + 1)))
                    .map(delivery -> factory.pullRequest(node, delivery.payload()))
                    .stream()
                    .toList();
        } catch (RuntimeException e) {
            log.error("Cannot build the span of pull request {}: {}", node.name(), e.toString());
            graph.markRecorded(node.uid());
            return;
        }
        store(node, recorded);
    }

    private void store(TraceNode node, List<SpanRecord> recorded) {
        recorded.forEach(spans::record);
        graph.markRecorded(node.uid());
        export.wakeUp();
    }

    private void finished(TraceNode node, Snapshot snapshot, SpanRecord span) {
        PipelineRunView run = new PipelineRunView(snapshot.body());
        String result = String.valueOf(span.attributes().get("cicd.pipeline.result"));
        Instant start = instant(span.startEpochNanos());
        Instant end = instant(span.endEpochNanos());
        int inserted = db.insertInto(PIPELINE_RUNS)
                .set(PIPELINE_RUNS.UID, run.uid())
                .set(PIPELINE_RUNS.NAMESPACE, run.namespace())
                .set(PIPELINE_RUNS.NAME, run.name())
                .set(PIPELINE_RUNS.PIPELINE, run.pipeline())
                .set(PIPELINE_RUNS.RESULT, result)
                .set(PIPELINE_RUNS.STARTED_AT, start.atOffset(ZoneOffset.UTC))
                .set(PIPELINE_RUNS.COMPLETED_AT, end.atOffset(ZoneOffset.UTC))
                .set(PIPELINE_RUNS.TRACE_ID, node.traceId())
                .set(PIPELINE_RUNS.SPAN_ID, node.spanId())
                .set(PIPELINE_RUNS.REPOSITORY, run.repositoryUrl())
                .set(PIPELINE_RUNS.BRANCH, run.branch())
                .set(PIPELINE_RUNS.REVISION, run.revision())
                .onConflictDoNothing()
                .execute();
        if (inserted == 0) {
            return;
        }
        events.publishEvent(new PipelineRunFinished(
                run.uid(),
                run.namespace(),
                run.name(),
                run.pipeline(),
                result,
                run.message(),
                start,
                end,
                node.traceId(),
                node.spanId(),
                run.repositoryUrl(),
                run.branch(),
                run.revision()));
        log.info("PipelineRun {}/{} finished ({}), trace {}", run.namespace(), run.name(), result, node.traceId());
    }

    private static Instant instant(long epochNanos) {
        return Instant.ofEpochSecond(0, epochNanos);
    }
}
