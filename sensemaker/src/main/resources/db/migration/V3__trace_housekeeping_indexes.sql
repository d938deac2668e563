-- The housekeeping tick runs several times a second on every replica: each of its queries must
-- touch only the nodes it is about, however many traces the table holds.

-- Waiting nodes, oldest first (retry and give up).
create index trace_nodes_pending on trace_nodes (first_seen_at) where state = 'pending';

-- Attached nodes that still lack the trace of their parent.
create index trace_nodes_without_trace on trace_nodes (parent_uid) where trace_id is null;

-- The nodes of one trace (closing a root once all of them are recorded; lookups).
create index trace_nodes_by_trace on trace_nodes (trace_id);
