package io.pipelinelens.sensemaker.tracing.internal;

import static io.pipelinelens.sensemaker.db.Tables.PIPELINE_RUNS;
import static io.pipelinelens.sensemaker.db.Tables.SPANS;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.pipelinelens.sensemaker.ingest.GitWebhooks;
import io.pipelinelens.sensemaker.ingest.Snapshot;
import io.pipelinelens.sensemaker.ingest.Snapshots;
import io.pipelinelens.sensemaker.lineage.Lineage;
import io.pipelinelens.sensemaker.lineage.LineageNode;
import io.pipelinelens.sensemaker.lineage.NodeKind;
import io.pipelinelens.sensemaker.lineage.NodesSettled;
import io.pipelinelens.sensemaker.tracing.PipelineRunFinished;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import org.jooq.DSLContext;
import org.jooq.Record2;
import org.jooq.impl.DSL;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.event.EventListener;
import org.springframework.dao.DataAccessException;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Projects settled lineage nodes into spans (DESIGN §4), in the transaction that hands them over:
 * the spans are stored with the hand-over or not at all. A node whose spans cannot be built is
 * parked with the reason instead of failing its batch or passing as recorded.
 */
@Component
class TraceRecorder {

    private static final Logger log = LoggerFactory.getLogger(TraceRecorder.class);

    private final Snapshots snapshots;
    private final GitWebhooks webhooks;
    private final Lineage lineage;
    private final SpanStore spans;
    private final DSLContext db;
    private final ApplicationEventPublisher events;
    private final SpanExportJob export;
    private final JsonMapper json;
    private final Counter parked;

    TraceRecorder(
            Snapshots snapshots,
            GitWebhooks webhooks,
            Lineage lineage,
            SpanStore spans,
            DSLContext db,
            ApplicationEventPublisher events,
            SpanExportJob export,
            JsonMapper json,
            MeterRegistry meters) {
        this.snapshots = snapshots;
        this.webhooks = webhooks;
        this.lineage = lineage;
        this.spans = spans;
        this.db = db;
        this.events = events;
        this.export = export;
        this.json = json;
        this.parked = meters.counter("pipelinelens.spans.build.failures");
    }

    @EventListener
    void on(NodesSettled settled) {
        List<SpanRecord> recorded = new ArrayList<>();
        List<LineageNode> resources = new ArrayList<>();
        for (LineageNode node : settled.nodes()) {
            if (node.kind().synthesizedRoot()) {
                root(node).ifPresent(recorded::add);
            } else {
                resources.add(node);
            }
        }
        recorded.addAll(resources(resources));
        spans.recordAll(recorded);
        export.wakeUp();
    }

    private List<SpanRecord> resources(List<LineageNode> nodes) {
        if (nodes.isEmpty()) {
            return List.of();
        }
        Map<String, Snapshot> states = snapshots.byUids(nodes.stream()
                .filter(n -> n.kind() != NodeKind.PULL_REQUEST)
                .map(LineageNode::uid)
                .toList());
        SpanInputs inputs = new SpanInputs(PrefetchedSnapshots.of(snapshots, states.values()), lineage, json);
        List<SpanRecord> recorded = new ArrayList<>();
        for (LineageNode node : nodes) {
            Snapshot state = states.get(node.uid());
            List<SpanRecord> ofNode;
            try {
                ofNode = build(node, state, inputs);
            } catch (DataAccessException e) {
                throw e; // the database, not the node: the whole hand-over is tried again
            } catch (RuntimeException e) {
                park(node, e.toString());
                continue;
            }
            recorded.addAll(ofNode);
            if (node.kind() == NodeKind.PIPELINE_RUN) {
                finished(node, state, ofNode.getFirst());
            }
        }
        return recorded;
    }

    private List<SpanRecord> build(LineageNode node, Snapshot state, SpanInputs inputs) {
        if (node.kind() == NodeKind.PULL_REQUEST) {
            int hash = node.name().lastIndexOf('#');
            return webhooks.latestPullRequest(
                            node.name().substring(0, hash),
                            Long.parseLong(node.name().substring(hash + 1)))
                    .map(delivery -> PullRequestSpans.build(node, delivery.payload(), inputs))
                    .map(List::of)
                    .orElseThrow(() -> new IllegalStateException("no delivery of the pull request is stored"));
        }
        if (state == null) {
            throw new IllegalStateException("no state of the resource is stored");
        }
        return ResourceSpans.of(node, state, inputs);
    }

    private void park(LineageNode node, String reason) {
        parked.increment();
        log.error(
                "Cannot build the spans of {} {}/{}: {}", node.kind().stored(), node.namespace(), node.name(), reason);
        lineage.park(node.uid(), reason);
    }

    /** A root spans what was recorded under it, and says whether any of it failed. */
    private Optional<SpanRecord> root(LineageNode root) {
        Record2<Long, Long> extent = db.select(DSL.min(SPANS.START_EPOCH_NANOS), DSL.max(SPANS.END_EPOCH_NANOS))
                .from(SPANS)
                .where(SPANS.TRACE_ID.eq(root.traceId()))
                .and(SPANS.SPAN_ID.ne(root.spanId()))
                .fetchOne();
        Optional<RootSpans.Children> children = extent == null || extent.value1() == null
                ? Optional.empty()
                : Optional.of(
                        new RootSpans.Children(instant(extent.value1()), instant(extent.value2()), failedUnder(root)));
        if (root.kind() == NodeKind.GIT_EVENT) {
            var webhook = webhooks.byId(root.name());
            if (webhook.isEmpty() && children.isEmpty()) {
                log.debug("Git event {} started nothing and its delivery is not stored: no span", root.name());
                return Optional.empty();
            }
            return Optional.of(RootSpans.gitEvent(root, webhook, children));
        }
        if (children.isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(RootSpans.triggersEvent(root, triggeredRuns(root), children.get()));
    }

    /** The jobs and runs under a root that failed, by span name. */
    private List<String> failedUnder(LineageNode root) {
        return db.selectDistinct(SPANS.NAME)
                .from(SPANS)
                .where(SPANS.TRACE_ID.eq(root.traceId()))
                .and(SPANS.STATUS_CODE.eq(SpanRecord.Status.ERROR.name()))
                .and(SPANS.PARENT_SPAN_ID
                        .eq(root.spanId())
                        .or(SPANS.NAME.startsWith("JOB "))
                        .or(SPANS.NAME.startsWith("RUN ")))
                .orderBy(SPANS.NAME)
                .fetch(SPANS.NAME);
    }

    /** The runs a Triggers event created, by uid. */
    private List<Snapshot> triggeredRuns(LineageNode root) {
        List<String> uids = lineage.children(root.uid()).stream()
                .filter(n -> n.kind() == NodeKind.PIPELINE_RUN)
                .map(LineageNode::uid)
                .toList();
        Map<String, Snapshot> runs = snapshots.byUids(uids);
        return uids.stream().map(runs::get).filter(Objects::nonNull).toList();
    }

    private void finished(LineageNode node, Snapshot snapshot, SpanRecord span) {
        PipelineRunView run = new PipelineRunView(snapshot.body());
        String result = String.valueOf(span.attributes().get("cicd.pipeline.result"));
        Instant start = run.startTime().orElse(instant(span.startEpochNanos()));
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
