-- Lineage: placement by the strongest key (DESIGN §3) needs every key a node looks for (not only
-- those it waits on), when the resource was created (a weaker key binds only to a parent created
-- no later than the child), and which key placed it (a stronger one re-places it).
alter table trace_nodes add column parent_keys text[] not null default '{}';
alter table trace_nodes add column created_at timestamptz;
alter table trace_nodes add column bound_by text;

-- A node whose spans cannot be built is parked with the reason instead of being marked recorded;
-- it is offered again when it changes or the application restarts.
alter table trace_nodes add column parked_reason text;
alter table trace_nodes add column parked_at timestamptz;
create index trace_nodes_parked on trace_nodes (parked_at desc) where parked_reason is not null;

-- Nodes still to hand over, by when they settle; parked ones are not.
drop index if exists trace_nodes_to_record;
create index trace_nodes_to_record on trace_nodes (settles_at) where not recorded and parked_reason is null;
