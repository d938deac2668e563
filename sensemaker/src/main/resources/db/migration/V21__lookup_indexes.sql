-- Found by the benchmark on 30 days of history: lookups that read every row, and GIN searches that
-- slowed down with every insert.

-- A trace by its PipelineRun (namespace and name), from the node or, for older runs, the run.
create index trace_nodes_by_name on trace_nodes (kind, namespace, name);
create index pipeline_runs_by_name on pipeline_runs (namespace, name);

-- A trace by pull request: the spans that carry its change id.
create index spans_by_change_id on spans ((attributes ->> 'vcs.change.id'))
    where attributes ->> 'vcs.change.id' is not null;

-- The newest webhook of a pull request.
create index git_webhooks_pull_requests
    on git_webhooks (subject, (body -> 'payload' -> 'pull_request' ->> 'number'))
    where provider = 'github' and kind = 'pull_request';

-- Placement searches these on every batch. With fast update, fresh entries wait in a pending list
-- that every search reads from start to end until a vacuum merges it: tens of milliseconds per
-- search on a busy graph. Without, an insert costs a little more and a search stays an index probe.
alter index trace_nodes_keys set (fastupdate = off);
alter index trace_nodes_waiting set (fastupdate = off);
select gin_clean_pending_list('trace_nodes_keys'::regclass);
select gin_clean_pending_list('trace_nodes_waiting'::regclass);
