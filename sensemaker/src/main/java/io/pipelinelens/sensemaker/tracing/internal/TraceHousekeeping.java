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
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
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
            // Bounded, so that roots are closed and pending nodes retried while a backlog drains.
            for (int i = 0; i < 10 && recordSettled(); i++) {
                // a full batch was recorded: there may be more
            }
            closeRoots();
        } catch (RuntimeException e) {
            log.warn("Trace housekeeping failed, retrying next tick: {}", e.toString());
        }
    }

    private void retryPending() {
        OffsetDateTime giveUpBefore = OffsetDateTime.now().minus(properties.pendingTimeout());
        List<TraceNode> retry = new ArrayList<>();
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
                retry.add(pending);
            }
        }
        assembler.retry(retry);
    }

    /**
     * Records the spans of a batch of settled nodes in one transaction.
     *
     * @return whether the batch was full (there may be more)
     */
    private boolean recordSettled() {
        Boolean full = transactions.execute(status -> {
            List<TraceNode> nodes = graph.lockSettled(properties.batch());
            if (nodes.isEmpty()) {
                return false;
            }
            Map<String, Snapshot> states = snapshots.byUids(nodes.stream()
                    .filter(n -> !Correlations.PULL_REQUEST.equals(n.kind()))
                    .map(TraceNode::uid)
                    .toList());
            SpanFactory prefetched = factory.prefetching(states.values());
            List<SpanRecord> recorded = new ArrayList<>();
            for (TraceNode node : nodes) {
                Snapshot state = states.get(node.uid());
                List<SpanRecord> ofNode = record(prefetched, node, state);
                recorded.addAll(ofNode);
                // Outside record(): a database error here must fail the batch, not pass as bad input.
                if ("PipelineRun".equals(node.kind()) && !ofNode.isEmpty()) {
                    finished(node, state, ofNode.getFirst());
                }
            }
            spans.recordAll(recorded);
            graph.markRecorded(nodes.stream().map(TraceNode::uid).toList());
            export.wakeUp();
            return nodes.size() == properties.batch();
        });
        return Boolean.TRUE.equals(full);
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
                Instant start = instant(extent.value1());
                Instant end = instant(extent.value2());
                // A Triggers event is known only through the runs it created: they carry its labels.
                SpanRecord span = "GitEvent".equals(root.kind())
                        ? factory.gitEvent(root, webhooks.byId(root.name()), start, end)
                        : factory.triggersEvent(root, triggeredRuns(root), start, end);
                store(root, List.of(span));
            }
        });
    }

    /** The runs a Triggers event created, by uid. */
    private List<Snapshot> triggeredRuns(TraceNode root) {
        List<String> uids = graph.children(root.uid(), "PipelineRun").stream()
                .map(TraceNode::uid)
                .toList();
        Map<String, Snapshot> runs = snapshots.byUids(uids);
        return uids.stream().map(runs::get).filter(Objects::nonNull).toList();
    }

    /** The spans of one node; none when it cannot be made sense of (that must not block the others). */
    private List<SpanRecord> record(SpanFactory factory, TraceNode node, Snapshot snapshot) {
        try {
            if (Correlations.PULL_REQUEST.equals(node.kind())) {
                return pullRequest(factory, node);
            }
            if (snapshot == null) {
                return List.of();
            }
            return switch (node.kind()) {
                case "PipelineRun" -> factory.pipelineRun(node, snapshot);
                case "TaskRun" -> factory.taskRun(node, snapshot);
                case "LighthouseJob" -> factory.lighthouseJob(node, snapshot);
                case "PipelineActivity" -> factory.pipelineActivity(node, snapshot);
                default -> List.of();
            };
        } catch (RuntimeException e) {
            log.error(
                    "Cannot build the spans of {} {}/{}: {}", node.kind(), node.namespace(), node.name(), e.toString());
            return List.of();
        }
    }

    /** Its name is {@code owner/repo#number}; the span comes from the PR's newest delivery. */
    private List<SpanRecord> pullRequest(SpanFactory factory, TraceNode node) {
        int hash = node.name().lastIndexOf('#');
        return webhooks
                .latestPullRequest(
                        node.name().substring(0, hash),
                        Long.parseLong(node.name().substring(hash + 1)))
                .map(delivery -> factory.pullRequest(node, delivery.payload()))
                .stream()
                .toList();
    }

    private void store(TraceNode node, List<SpanRecord> recorded) {
        spans.recordAll(recorded);
        graph.markRecorded(List.of(node.uid()));
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
