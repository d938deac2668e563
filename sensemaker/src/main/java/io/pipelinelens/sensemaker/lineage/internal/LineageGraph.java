package io.pipelinelens.sensemaker.lineage.internal;

import static io.pipelinelens.sensemaker.db.Tables.TRACE_NODES;

import io.pipelinelens.sensemaker.db.tables.records.TraceNodesRecord;
import io.pipelinelens.sensemaker.lineage.CorrelationKey;
import io.pipelinelens.sensemaker.lineage.LineageNode;
import io.pipelinelens.sensemaker.lineage.NodeKind;
import io.pipelinelens.sensemaker.lineage.TraceIds;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.function.Function;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.springframework.stereotype.Repository;

/** The nodes of the lineage graph in PostgreSQL; every method runs in the caller's transaction. */
@Repository
class LineageGraph {

    /**
     * Inlined, not bound: only a literal lets PostgreSQL use the partial indexes on pending nodes
     * once it plans the statement for any value (after a few executions).
     */
    private static final org.jooq.Condition PENDING =
            TRACE_NODES.STATE.eq(DSL.inline(column(LineageNode.State.PENDING)));

    private final DSLContext db;

    LineageGraph(DSLContext db) {
        this.db = db;
    }

    /** A traced thing as first seen: enough to create its node before its facts are read. */
    record Seed(String uid, NodeKind kind, String namespace, String name) {}

    /**
     * Creates the nodes that do not exist yet, waiting, with nothing known about them. Callers lock
     * them next and only then read their facts, so that the newest state always wins.
     */
    void insertMissing(Collection<Seed> seeds) {
        if (seeds.isEmpty()) {
            return;
        }
        var t = TRACE_NODES;
        var insert = db.insertInto(t, t.UID, t.KIND, t.NAMESPACE, t.NAME, t.STATE, t.SPAN_ID);
        for (Seed seed : sorted(seeds, Seed::uid)) {
            insert = insert.values(
                    seed.uid(),
                    seed.kind().stored(),
                    seed.namespace(),
                    seed.name(),
                    column(LineageNode.State.PENDING),
                    TraceIds.spanId(seed.uid()));
        }
        insert.onConflictDoNothing().execute();
    }

    /** Locks the nodes that exist among the uids, in uid order (so concurrent batches do not deadlock). */
    Map<String, GraphNode> lockAll(Collection<String> uids) {
        if (uids.isEmpty()) {
            return Map.of();
        }
        Map<String, GraphNode> locked = new LinkedHashMap<>();
        db.selectFrom(TRACE_NODES)
                .where(TRACE_NODES.UID.eq(DSL.any(uids.toArray(String[]::new))))
                .orderBy(TRACE_NODES.UID)
                .forUpdate()
                .fetch(LineageGraph::toNode)
                .forEach(n -> locked.put(n.uid(), n));
        return locked;
    }

    /**
     * Stores what the nodes' latest states say, restarts their settle time and lifts a park (the
     * node changed: building its spans may work now).
     */
    void updateFacts(Collection<NodeFacts> facts, Map<String, Instant> observed, Duration settle) {
        if (facts.isEmpty()) {
            return;
        }
        OffsetDateTime settlesAt = OffsetDateTime.now().plus(settle);
        var t = TRACE_NODES;
        var insert = db.insertInto(
                t,
                t.UID,
                t.KIND,
                t.STATE,
                t.SPAN_ID,
                t.KEYS,
                t.PARENT_KEYS,
                t.FALLBACK_ROOT,
                t.TERMINAL,
                t.SETTLES_AT,
                t.CREATED_AT,
                t.OBSERVED_AT);
        for (NodeFacts f : sorted(facts, NodeFacts::uid)) {
            insert = insert.values(
                    f.uid(),
                    f.kind().stored(),
                    column(LineageNode.State.PENDING),
                    f.spanId(),
                    encoded(f.keys()),
                    encoded(f.parentKeys()),
                    f.fallbackRoot() == null ? null : f.fallbackRoot().encoded(),
                    f.terminal(),
                    settlesAt,
                    f.createdAt() == null ? null : f.createdAt().atOffset(ZoneOffset.UTC),
                    offset(observed.get(f.uid())));
        }
        insert.onConflict(t.UID)
                .doUpdate()
                .set(t.KEYS, DSL.excluded(t.KEYS))
                .set(t.PARENT_KEYS, DSL.excluded(t.PARENT_KEYS))
                .set(t.FALLBACK_ROOT, DSL.excluded(t.FALLBACK_ROOT))
                .set(t.TERMINAL, DSL.excluded(t.TERMINAL))
                .set(t.SETTLES_AT, DSL.excluded(t.SETTLES_AT))
                .set(t.CREATED_AT, DSL.excluded(t.CREATED_AT))
                .set(t.OBSERVED_AT, DSL.greatest(t.OBSERVED_AT, DSL.excluded(t.OBSERVED_AT)))
                .setNull(t.PARKED_REASON)
                .setNull(t.PARKED_AT)
                .where(t.RECORDED.isFalse())
                .execute();
    }

    /** Every node that publishes one of the keys. */
    List<GraphNode> publishingAny(Collection<CorrelationKey> keys) {
        if (keys.isEmpty()) {
            return List.of();
        }
        return db.selectFrom(TRACE_NODES)
                .where(DSL.condition("{0} && {1}::text[]", TRACE_NODES.KEYS, DSL.val(encoded(keys))))
                .orderBy(TRACE_NODES.UID)
                .fetch(LineageGraph::toNode);
    }

    /** Creates a synthesized root (a git event) unless it exists. */
    GraphNode ensureRoot(NodeFacts root, Duration settle) {
        db.insertInto(TRACE_NODES)
                .set(TRACE_NODES.UID, root.uid())
                .set(TRACE_NODES.KIND, root.kind().stored())
                .set(TRACE_NODES.NAME, root.name())
                .set(TRACE_NODES.STATE, column(LineageNode.State.ROOT))
                .set(TRACE_NODES.TRACE_ID, TraceIds.traceId(root.ownRootKey()))
                .set(TRACE_NODES.SPAN_ID, root.spanId())
                .set(TRACE_NODES.KEYS, encoded(root.keys()))
                .set(TRACE_NODES.SETTLES_AT, OffsetDateTime.now().plus(settle))
                .onConflictDoNothing()
                .execute();
        return find(root.uid()).orElseThrow();
    }

    /** The children attached to the node, by uid (so every replica sees the same order). */
    List<GraphNode> children(String uid) {
        return db.selectFrom(TRACE_NODES)
                .where(TRACE_NODES.PARENT_UID.eq(uid))
                .orderBy(TRACE_NODES.UID)
                .fetch(LineageGraph::toNode);
    }

    List<GraphNode> ofTrace(String traceId) {
        return db.selectFrom(TRACE_NODES)
                .where(TRACE_NODES.TRACE_ID.eq(traceId))
                .orderBy(TRACE_NODES.UID)
                .fetch(LineageGraph::toNode);
    }

    Optional<GraphNode> find(String uid) {
        return db.selectFrom(TRACE_NODES)
                .where(TRACE_NODES.UID.eq(uid))
                .fetchOptional()
                .map(LineageGraph::toNode);
    }

    /**
     * Puts the node under its parent. A node that moves (a stronger key re-placed it) takes its
     * subtree along: descendants not handed over yet lose their old trace and inherit the new one.
     */
    void attach(GraphNode node, GraphNode parent, CorrelationKey by) {
        boolean moves = node.traceId() != null && !node.traceId().equals(parent.traceId());
        db.update(TRACE_NODES)
                .set(TRACE_NODES.STATE, column(LineageNode.State.ATTACHED))
                .set(TRACE_NODES.PARENT_UID, parent.uid())
                .set(TRACE_NODES.PARENT_SPAN_ID, parent.spanId())
                .set(TRACE_NODES.TRACE_ID, parent.traceId())
                .set(TRACE_NODES.BOUND_BY, by.encoded())
                .set(TRACE_NODES.WAITING_FOR, new String[0])
                .where(TRACE_NODES.UID.eq(node.uid()))
                .execute();
        if (moves) {
            forgetDescendantTraces(node.uid());
        }
    }

    void makeRoot(GraphNode node, String traceId) {
        boolean moves = node.traceId() != null && !node.traceId().equals(traceId);
        db.update(TRACE_NODES)
                .set(TRACE_NODES.STATE, column(LineageNode.State.ROOT))
                .set(TRACE_NODES.TRACE_ID, traceId)
                .setNull(TRACE_NODES.PARENT_UID)
                .setNull(TRACE_NODES.PARENT_SPAN_ID)
                .setNull(TRACE_NODES.BOUND_BY)
                .set(TRACE_NODES.WAITING_FOR, new String[0])
                .where(TRACE_NODES.UID.eq(node.uid()))
                .execute();
        if (moves) {
            forgetDescendantTraces(node.uid());
        }
    }

    /** The node waits for a parent again (or still): it has no trace until it is placed. */
    void waitFor(GraphNode node, List<CorrelationKey> keys) {
        db.update(TRACE_NODES)
                .set(TRACE_NODES.STATE, column(LineageNode.State.PENDING))
                .set(TRACE_NODES.WAITING_FOR, encoded(keys))
                .setNull(TRACE_NODES.PARENT_UID)
                .setNull(TRACE_NODES.PARENT_SPAN_ID)
                .setNull(TRACE_NODES.BOUND_BY)
                .setNull(TRACE_NODES.TRACE_ID)
                .where(TRACE_NODES.UID.eq(node.uid()))
                .execute();
        if (node.traceId() != null) {
            forgetDescendantTraces(node.uid());
        }
    }

    private void forgetDescendantTraces(String uid) {
        db.execute("""
                with recursive descendants(uid) as (
                    select c.uid from trace_nodes c where c.parent_uid = {0}
                    union
                    select c.uid from trace_nodes c join descendants d on c.parent_uid = d.uid
                )
                update trace_nodes t set trace_id = null
                from descendants d
                where t.uid = d.uid and not t.recorded
                """, DSL.val(uid));
    }

    /** Gives every descendant without a trace of these nodes the trace of its ancestor. */
    void propagateTraces(Collection<String> uids) {
        if (uids.isEmpty()) {
            return;
        }
        db.execute("""
                with recursive descendants(uid, trace_id) as (
                    select c.uid, p.trace_id from trace_nodes c join trace_nodes p on c.parent_uid = p.uid
                    where p.uid = any({0}::text[]) and p.trace_id is not null
                    union
                    select c.uid, d.trace_id from trace_nodes c join descendants d on c.parent_uid = d.uid
                )
                update trace_nodes t set trace_id = d.trace_id
                from descendants d
                where t.uid = d.uid and t.trace_id is null
                """, DSL.val(uids.toArray(String[]::new)));
    }

    /**
     * Gives the trace of its parent to every attached node that has none yet. Listeners run
     * concurrently: a child can attach to a parent that has no trace while the parent's own
     * transaction, which cannot see the child yet, learns its trace and propagates it to the
     * children it sees. Without this the child would never be recorded.
     */
    int inheritMissingTraces() {
        int total = 0;
        // One level per round; bounded like every walk of the graph.
        for (int round = 0; round < 100; round++) {
            int updated = db.execute("""
                    update trace_nodes c set trace_id = p.trace_id
                    from trace_nodes p
                    where c.parent_uid = p.uid and c.trace_id is null and p.trace_id is not null
                      and c.state = 'attached'
                    """);
            if (updated == 0) {
                return total;
            }
            total += updated;
        }
        return total;
    }

    /** Pending nodes that wait for any of the keys, locked in uid order. */
    List<GraphNode> lockWaiting(Collection<CorrelationKey> keys) {
        if (keys.isEmpty()) {
            return List.of();
        }
        return db.selectFrom(TRACE_NODES)
                .where(PENDING)
                .and(DSL.condition("{0} && {1}::text[]", TRACE_NODES.WAITING_FOR, DSL.val(encoded(keys))))
                .orderBy(TRACE_NODES.UID)
                .forUpdate()
                .fetch(LineageGraph::toNode);
    }

    /** Pending nodes, oldest first, locked, skipping those others hold. */
    List<GraphNode> lockPending(int limit) {
        return db.selectFrom(TRACE_NODES)
                .where(PENDING)
                .orderBy(TRACE_NODES.FIRST_SEEN_AT)
                .limit(limit)
                .forUpdate()
                .skipLocked()
                .fetch(LineageGraph::toNode);
    }

    /**
     * Finished resource nodes with a trace whose settle time passed, not parked, locked; while the
     * stream is busy, only those last observed no later than {@code observedBefore}.
     */
    List<GraphNode> lockSettled(int limit, Optional<Instant> observedBefore) {
        return db.selectFrom(TRACE_NODES)
                .where(TRACE_NODES.RECORDED.isFalse())
                .and(observedBefore
                        .map(t -> TRACE_NODES.OBSERVED_AT.isNull().or(TRACE_NODES.OBSERVED_AT.le(offset(t))))
                        .orElse(DSL.noCondition()))
                .and(TRACE_NODES.PARKED_REASON.isNull())
                .and(TRACE_NODES.TERMINAL.isTrue())
                .and(TRACE_NODES.TRACE_ID.isNotNull())
                .and(TRACE_NODES.SETTLES_AT.le(OffsetDateTime.now()))
                .orderBy(TRACE_NODES.SETTLES_AT)
                .limit(limit)
                .forUpdate()
                .skipLocked()
                .fetch(LineageGraph::toNode);
    }

    /**
     * Synthesized roots (git and Triggers events) not yet handed over whose descendants all are and
     * have been quiet for the grace period, locked. A root that never got a child closes once it is
     * older than {@code childless}: a webhook that started nothing is still worth a span. Neither
     * closes while a pending node would fall back to it: once its own parent is given up on, that
     * node hangs under the root, whose span must still be open to contain it.
     */
    List<GraphNode> lockClosableRoots(Duration grace, Duration childless, int limit) {
        return db.selectFrom(TRACE_NODES)
                .where(TRACE_NODES.RECORDED.isFalse())
                .and(TRACE_NODES.PARKED_REASON.isNull())
                .and(TRACE_NODES.KIND.in(NodeKind.GIT_EVENT.stored(), NodeKind.TRIGGERS_EVENT.stored()))
                .and(TRACE_NODES.SETTLES_AT.le(OffsetDateTime.now()))
                .and(DSL.condition(
                        """
                        case when exists (select 1 from trace_nodes c where c.trace_id = {0} and c.uid <> {1})
                        then not exists (select 1 from trace_nodes c
                                         where c.trace_id = {0} and c.uid <> {1} and not c.recorded)
                             and (select max(c.settles_at) from trace_nodes c where c.trace_id = {0} and c.uid <> {1})
                                 <= now() - ({2} * interval '1 millisecond')
                        else {3} <= now() - ({4} * interval '1 millisecond')
                        end
                        and not exists (select 1 from trace_nodes w
                                        where w.state = 'pending' and w.fallback_root = 'root:' || {1})
                        """,
                        TRACE_NODES.TRACE_ID,
                        TRACE_NODES.UID,
                        DSL.val(grace.toMillis()),
                        TRACE_NODES.FIRST_SEEN_AT,
                        DSL.val(childless.toMillis())))
                .orderBy(TRACE_NODES.SETTLES_AT)
                .limit(limit)
                .forUpdate()
                .skipLocked()
                .fetch(LineageGraph::toNode);
    }

    /**
     * Keeps the nodes from being handed over until details stop arriving: their settle time starts
     * again, and their last observation moves to that of the detail (a null time leaves it).
     */
    void postpone(Map<String, Instant> observed, Duration settle) {
        if (observed.isEmpty()) {
            return;
        }
        List<String> uids = List.copyOf(observed.keySet());
        db.execute(
                """
                update trace_nodes t
                set settles_at = {0}, observed_at = greatest(t.observed_at, v.observed)
                from unnest({1}::text[], {2}::timestamptz[]) as v(uid, observed)
                where t.uid = v.uid and not t.recorded
                """,
                DSL.val(OffsetDateTime.now().plus(settle)),
                DSL.val(uids.toArray(String[]::new)),
                DSL.val(uids.stream().map(u -> offset(observed.get(u))).toArray(OffsetDateTime[]::new)));
    }

    private static OffsetDateTime offset(Instant instant) {
        return instant == null ? null : instant.atOffset(ZoneOffset.UTC);
    }

    void markRecorded(Collection<String> uids) {
        if (uids.isEmpty()) {
            return;
        }
        db.update(TRACE_NODES)
                .set(TRACE_NODES.RECORDED, true)
                .where(TRACE_NODES.UID.eq(DSL.any(uids.toArray(String[]::new))))
                .and(TRACE_NODES.PARKED_REASON.isNull())
                .execute();
    }

    void park(String uid, String reason) {
        db.update(TRACE_NODES)
                .set(TRACE_NODES.PARKED_REASON, reason)
                .set(TRACE_NODES.PARKED_AT, OffsetDateTime.now())
                .where(TRACE_NODES.UID.eq(uid))
                .and(TRACE_NODES.RECORDED.isFalse())
                .execute();
    }

    /** Offers every parked node again (after a restart: a fix may have been deployed). */
    int unparkAll() {
        return db.update(TRACE_NODES)
                .setNull(TRACE_NODES.PARKED_REASON)
                .setNull(TRACE_NODES.PARKED_AT)
                .where(TRACE_NODES.PARKED_REASON.isNotNull())
                .execute();
    }

    List<GraphNode> parked(int limit) {
        return db.selectFrom(TRACE_NODES)
                .where(TRACE_NODES.PARKED_REASON.isNotNull())
                .orderBy(TRACE_NODES.PARKED_AT.desc())
                .limit(limit)
                .fetch(LineageGraph::toNode);
    }

    int countParked() {
        return db.fetchCount(TRACE_NODES, TRACE_NODES.PARKED_REASON.isNotNull());
    }

    static String column(LineageNode.State state) {
        return state.name().toLowerCase(Locale.ROOT);
    }

    private static String[] encoded(Collection<? extends CorrelationKey> keys) {
        return keys.stream().map(CorrelationKey::encoded).toArray(String[]::new);
    }

    private static List<CorrelationKey> keys(String[] encoded) {
        return encoded == null
                ? List.of()
                : Arrays.stream(encoded).map(CorrelationKey::parse).toList();
    }

    private static <T> List<T> sorted(Collection<T> items, Function<T, String> uid) {
        return items.stream().sorted(Comparator.comparing(uid)).toList();
    }

    static GraphNode toNode(TraceNodesRecord r) {
        String fallback = r.getFallbackRoot();
        return new GraphNode(
                r.getUid(),
                NodeKind.ofStored(r.getKind()),
                r.getNamespace(),
                r.getName(),
                LineageNode.State.valueOf(r.getState().toUpperCase(Locale.ROOT)),
                r.getTraceId(),
                r.getParentUid(),
                keys(r.getParentKeys()),
                keys(r.getWaitingFor()),
                keys(r.getKeys()),
                fallback == null ? null : (CorrelationKey.GitEvent) CorrelationKey.parse(fallback),
                r.getBoundBy() == null ? null : CorrelationKey.parse(r.getBoundBy()),
                r.getTerminal(),
                r.getRecorded(),
                r.getCreatedAt() == null ? null : r.getCreatedAt().toInstant(),
                r.getFirstSeenAt(),
                r.getParkedReason());
    }
}
