-- The housekeeping tick runs several times a second on every replica: each of its queries must
-- touch only the nodes it is about, however many traces the table holds.

-- Waiting nodes, oldest first (retry and give up).
create index trace_nodes_pending on trace_nodes (first_seen_at) where state = 'pending';

-- Attached nodes that still lack the trace of their parent.
create index trace_nodes_without_trace on trace_nodes (parent_uid) where trace_id is null;

-- The nodes of one trace (closing a root once all of them are recorded; lookups).
create index trace_nodes_by_trace on trace_nodes (trace_id);

-- Kubernetes Events that name their object without a uid are found by kind, namespace and name.
create index resource_snapshots_events_by_object_name
    on resource_snapshots (namespace, (body -> 'involvedObject' ->> 'name'))
    where kind = 'Event' and (body -> 'involvedObject' ->> 'uid') is null;

-- Re-runs of a run (Tekton's dashboard labels them with the name of the original). The kind comes
-- first in the predicate: every snapshot write evaluates it, and only a PipelineRun's body needs
-- to be looked into.
create index resource_snapshots_rerun_of
    on resource_snapshots ((body -> 'metadata' -> 'labels' ->> 'dashboard.tekton.dev/rerunOf'))
    where kind = 'PipelineRun' and (body -> 'metadata' -> 'labels' ->> 'dashboard.tekton.dev/rerunOf') is not null;
