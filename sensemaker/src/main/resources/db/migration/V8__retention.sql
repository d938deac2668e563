-- Retention deletes what is older than its window, a small batch at a time: each table is read by
-- the time it is aged by, through an index, however much history it holds.
create index received_events_by_age on received_events (received_at);
create index resource_snapshots_by_age on resource_snapshots (observed_at);
create index git_webhooks_by_age on git_webhooks (received_at);
create index trace_nodes_by_age on trace_nodes (first_seen_at) where recorded;
create index spans_by_age on spans (created_at) where exported_at is not null or refused_at is not null;
