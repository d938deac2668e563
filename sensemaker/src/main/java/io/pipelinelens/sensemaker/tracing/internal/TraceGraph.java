package io.pipelinelens.sensemaker.tracing.internal;

import static io.pipelinelens.sensemaker.db.Tables.TRACE_NODES;

import io.pipelinelens.sensemaker.db.tables.records.TraceNodesRecord;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.springframework.stereotype.Repository;

/** The nodes of all traces in PostgreSQL; every method runs in the caller's transaction. */
@Repository
class TraceGraph {

    private final DSLContext db;

    TraceGraph(DSLContext db) {
        this.db = db;
    }

    /** A traced thing as first seen: enough to create its node before its facts are read. */
    record Seed(String uid, String kind, String namespace, String name) {}

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
                    seed.kind(),
                    seed.namespace(),
                    seed.name(),
                    TraceNode.State.PENDING.column(),
                    TraceIds.spanId(seed.uid()));
        }
        insert.onConflictDoNothing().execute();
    }

    /** Locks the nodes that exist among the uids, in uid order (so concurrent batches do not deadlock). */
    Map<String, TraceNode> lockAll(Collection<String> uids) {
        if (uids.isEmpty()) {
            return Map.of();
        }
        Map<String, TraceNode> locked = new LinkedHashMap<>();
        db.selectFrom(TRACE_NODES)
                .where(TRACE_NODES.UID.eq(DSL.any(uids.toArray(String[]::new))))
                .orderBy(TRACE_NODES.UID)
                .forUpdate()
                .fetch(TraceGraph::toNode)
                .forEach(n -> locked.put(n.uid(), n));
        return locked;
    }

    /** Stores what the nodes' latest states say, and restarts their settle time. */
    void updateFacts(Collection<NodeFacts> facts, Duration settle) {
        if (facts.isEmpty()) {
            return;
        }
        OffsetDateTime settlesAt = OffsetDateTime.now().plus(settle);
        var t = TRACE_NODES;
        var insert =
                db.insertInto(t, t.UID, t.KIND, t.STATE, t.SPAN_ID, t.KEYS, t.FALLBACK_ROOT, t.TERMINAL, t.SETTLES_AT);
        for (NodeFacts f : sorted(facts, NodeFacts::uid)) {
            insert = insert.values(
                    f.uid(),
                    f.kind(),
                    TraceNode.State.PENDING.column(),
                    f.spanId(),
                    f.keys().toArray(String[]::new),
                    f.fallbackRootKey(),
                    f.terminal(),
                    settlesAt);
        }
        insert.onConflict(t.UID)
                .doUpdate()
                .set(t.KEYS, DSL.excluded(t.KEYS))
                .set(t.FALLBACK_ROOT, DSL.excluded(t.FALLBACK_ROOT))
                .set(t.TERMINAL, DSL.excluded(t.TERMINAL))
                .set(t.SETTLES_AT, DSL.excluded(t.SETTLES_AT))
                .where(t.RECORDED.isFalse())
                .execute();
    }

    /** Every node that publishes one of the keys, oldest first. */
    List<TraceNode> publishingAny(Collection<String> keys) {
        if (keys.isEmpty()) {
            return List.of();
        }
        return db.selectFrom(TRACE_NODES)
                .where(DSL.condition("{0} && {1}::text[]", TRACE_NODES.KEYS, DSL.val(keys.toArray(String[]::new))))
                .orderBy(TRACE_NODES.FIRST_SEEN_AT, TRACE_NODES.UID)
                .fetch(TraceGraph::toNode);
    }

    /** Creates a synthesized root (a git event) unless it exists. */
    TraceNode ensureRoot(NodeFacts root, Duration settle) {
        db.insertInto(TRACE_NODES)
                .set(TRACE_NODES.UID, root.uid())
                .set(TRACE_NODES.KIND, root.kind())
                .set(TRACE_NODES.NAME, root.name())
                .set(TRACE_NODES.STATE, TraceNode.State.ROOT.column())
                .set(TRACE_NODES.TRACE_ID, TraceIds.traceId(root.ownRootKey()))
                .set(TRACE_NODES.SPAN_ID, root.spanId())
                .set(TRACE_NODES.KEYS, new String[] {NodeFacts.uidKey(root.uid())})
                .set(TRACE_NODES.SETTLES_AT, OffsetDateTime.now().plus(settle))
                .onConflictDoNothing()
                .execute();
        return find(root.uid()).orElseThrow();
    }

    /** The children of a kind attached to the node, by uid (so every replica sees the same order). */
    List<TraceNode> children(String uid, String kind) {
        return db.selectFrom(TRACE_NODES)
                .where(TRACE_NODES.PARENT_UID.eq(uid))
                .and(TRACE_NODES.KIND.eq(kind))
                .orderBy(TRACE_NODES.UID)
                .fetch(TraceGraph::toNode);
    }

    Optional<TraceNode> find(String uid) {
        return db.selectFrom(TRACE_NODES)
                .where(TRACE_NODES.UID.eq(uid))
                .fetchOptional()
                .map(TraceGraph::toNode);
    }

    void attach(String uid, TraceNode parent) {
        db.update(TRACE_NODES)
                .set(TRACE_NODES.STATE, TraceNode.State.ATTACHED.column())
                .set(TRACE_NODES.PARENT_UID, parent.uid())
                .set(TRACE_NODES.PARENT_SPAN_ID, parent.spanId())
                .set(TRACE_NODES.TRACE_ID, parent.traceId())
                .set(TRACE_NODES.WAITING_FOR, new String[0])
                .where(TRACE_NODES.UID.eq(uid))
                .execute();
    }

    void makeRoot(String uid, String traceId) {
        db.update(TRACE_NODES)
                .set(TRACE_NODES.STATE, TraceNode.State.ROOT.column())
                .set(TRACE_NODES.TRACE_ID, traceId)
                .set(TRACE_NODES.PARENT_UID, (String) null)
                .set(TRACE_NODES.PARENT_SPAN_ID, (String) null)
                .set(TRACE_NODES.WAITING_FOR, new String[0])
                .where(TRACE_NODES.UID.eq(uid))
                .execute();
    }

    void waitFor(String uid, List<String> keys) {
        db.update(TRACE_NODES)
                .set(TRACE_NODES.STATE, TraceNode.State.PENDING.column())
                .set(TRACE_NODES.WAITING_FOR, keys.toArray(String[]::new))
                .where(TRACE_NODES.UID.eq(uid))
                .execute();
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
     *
     * @return how many nodes got a trace
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
    List<TraceNode> lockWaiting(Collection<String> keys) {
        if (keys.isEmpty()) {
            return List.of();
        }
        return db.selectFrom(TRACE_NODES)
                .where(TRACE_NODES.STATE.eq(TraceNode.State.PENDING.column()))
                .and(DSL.condition("{0} && {1}::text[]", TRACE_NODES.WAITING_FOR, DSL.val(keys.toArray(String[]::new))))
                .orderBy(TRACE_NODES.UID)
                .forUpdate()
                .fetch(TraceGraph::toNode);
    }

    /** Pending nodes first seen before the given time, locked, skipping those others hold. */
    List<TraceNode> lockPending(int limit) {
        return db.selectFrom(TRACE_NODES)
                .where(TRACE_NODES.STATE.eq(TraceNode.State.PENDING.column()))
                .orderBy(TRACE_NODES.FIRST_SEEN_AT)
                .limit(limit)
                .forUpdate()
                .skipLocked()
                .fetch(TraceGraph::toNode);
    }

    /** Finished resource nodes with a trace whose settle time passed, locked. */
    List<TraceNode> lockSettled(int limit) {
        return db.selectFrom(TRACE_NODES)
                .where(TRACE_NODES.RECORDED.isFalse())
                .and(TRACE_NODES.TERMINAL.isTrue())
                .and(TRACE_NODES.TRACE_ID.isNotNull())
                .and(TRACE_NODES.SETTLES_AT.le(OffsetDateTime.now()))
                .orderBy(TRACE_NODES.SETTLES_AT)
                .limit(limit)
                .forUpdate()
                .skipLocked()
                .fetch(TraceGraph::toNode);
    }

    /**
     * Synthesized roots (git events) not yet recorded whose descendants are all recorded and have
     * been quiet for the grace period, locked.
     */
    List<TraceNode> lockClosableRoots(Duration grace, int limit) {
        return db.selectFrom(TRACE_NODES)
                .where(TRACE_NODES.RECORDED.isFalse())
                .and(TRACE_NODES.KIND.in("GitEvent", "TriggersEvent"))
                .and(DSL.condition("""
                        exists (select 1 from trace_nodes c where c.trace_id = {0} and c.uid <> {1})
                        and not exists (select 1 from trace_nodes c
                                        where c.trace_id = {0} and c.uid <> {1} and not c.recorded)
                        and (select max(c.settles_at) from trace_nodes c where c.trace_id = {0} and c.uid <> {1})
                            <= now() - ({2} * interval '1 millisecond')
                        """, TRACE_NODES.TRACE_ID, TRACE_NODES.UID, DSL.val(grace.toMillis())))
                .limit(limit)
                .forUpdate()
                .skipLocked()
                .fetch(TraceGraph::toNode);
    }

    /** Keeps the nodes from being recorded until details stop arriving. */
    void postpone(Collection<String> uids, Duration settle) {
        if (uids.isEmpty()) {
            return;
        }
        db.update(TRACE_NODES)
                .set(TRACE_NODES.SETTLES_AT, OffsetDateTime.now().plus(settle))
                .where(TRACE_NODES.UID.eq(DSL.any(uids.toArray(String[]::new))))
                .and(TRACE_NODES.RECORDED.isFalse())
                .execute();
    }

    void markRecorded(Collection<String> uids) {
        if (uids.isEmpty()) {
            return;
        }
        db.update(TRACE_NODES)
                .set(TRACE_NODES.RECORDED, true)
                .where(TRACE_NODES.UID.eq(DSL.any(uids.toArray(String[]::new))))
                .execute();
    }

    private static <T> List<T> sorted(Collection<T> items, java.util.function.Function<T, String> uid) {
        return items.stream().sorted(java.util.Comparator.comparing(uid)).toList();
    }

    private static TraceNode toNode(TraceNodesRecord r) {
        return new TraceNode(
                r.getUid(),
                r.getKind(),
                r.getNamespace(),
                r.getName(),
                TraceNode.State.valueOf(r.getState().toUpperCase(Locale.ROOT)),
                r.getTraceId(),
                r.getSpanId(),
                r.getParentUid(),
                r.getParentSpanId(),
                Arrays.asList(r.getWaitingFor()),
                Arrays.asList(r.getKeys()),
                r.getFallbackRoot(),
                r.getTerminal(),
                r.getRecorded(),
                r.getFirstSeenAt());
    }
}
