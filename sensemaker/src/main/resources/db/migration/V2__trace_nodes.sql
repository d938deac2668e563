-- Tracing: one node per traced thing (a resource, or a git event root), linked to its parent as
-- soon as the parent is known. A node whose parent has not arrived yet waits (state 'pending',
-- with the keys it waits for); spans are recorded once a node is finished, knows its trace and
-- has settled (no change for a short while), so the outcome does not depend on arrival order.
create table trace_nodes (
    uid            text        primary key,
    kind           text        not null,
    namespace      text,
    name           text,
    state          text        not null check (state in ('pending', 'attached', 'root')),
    trace_id       text,
    span_id        text        not null,
    parent_uid     text,
    parent_span_id text,
    waiting_for    text[]      not null default '{}',
    keys           text[]      not null default '{}',
    fallback_root  text,
    terminal       boolean     not null default false,
    recorded       boolean     not null default false,
    settles_at     timestamptz not null default now(),
    first_seen_at  timestamptz not null default now()
);
create index trace_nodes_waiting on trace_nodes using gin (waiting_for) where state = 'pending';
create index trace_nodes_keys on trace_nodes using gin (keys);
create index trace_nodes_children on trace_nodes (parent_uid);
create index trace_nodes_to_record on trace_nodes (settles_at) where not recorded;

-- Kubernetes Events are found by the object they are about.
create index resource_snapshots_events_by_object
    on resource_snapshots ((body -> 'involvedObject' ->> 'uid')) where kind = 'Event';

-- Spans carry span events (a pod's Kubernetes Events) and links (re-runs, Tekton's own spans).
alter table spans add column events jsonb not null default '[]';
alter table spans add column links jsonb not null default '[]';
