-- "The newest snapshot of ..." lookups end with ORDER BY observed_at DESC LIMIT 1. With only an
-- index on the filter, PostgreSQL may walk resource_snapshots_by_age backwards instead and filter
-- every row it meets: over a second per lookup on 30 days of history when nothing matches (no run
-- is a re-run). Indexes that hold the order too make the lookup one probe.
drop index resource_snapshots_rerun_of;
create index resource_snapshots_rerun_of
    on resource_snapshots ((body -> 'metadata' -> 'labels' ->> 'dashboard.tekton.dev/rerunOf'), namespace, observed_at desc)
    where kind = 'PipelineRun' and (body -> 'metadata' -> 'labels' ->> 'dashboard.tekton.dev/rerunOf') is not null;

drop index resource_snapshots_by_name;
create index resource_snapshots_by_name on resource_snapshots (kind, namespace, name, observed_at desc);

-- The most recent runs (GET /api/runs): the same order as the query, nulls last included.
create index pipeline_runs_recent on pipeline_runs (completed_at desc nulls last, recorded_at desc);
