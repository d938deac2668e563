-- Run history: every finished PipelineRun of a pipeline × repository × branch, in completion order,
-- with what the outcome state machine decided about it, and its tasks. Written with the run, in
-- the transaction that records it; everything the history module says is derived from these rows.
create table run_history (
    run_uid       text        primary key,
    namespace     text        not null,
    pipeline      text        not null,
    -- '' when the run names none: the key columns are never null, so that they compare.
    repository    text        not null,
    branch        text        not null,
    run_name      text        not null,
    revision      text,
    result        text        not null,
    created_at    timestamptz not null,
    started_at    timestamptz not null,
    completed_at  timestamptz not null,
    -- created → started (pending) and started → completed (running), in milliseconds.
    waiting_ms    bigint      not null,
    running_ms    bigint      not null,
    trace_id      text        not null,
    -- What the outcome state machine decided for this run (see docs/architecture.md, "Run history").
    outcome       text        not null,
    recorded_at   timestamptz not null default now()
);
-- The runs of one key in completion order: the previous runs, the baseline, the runs in between.
create index run_history_by_key on run_history (namespace, pipeline, repository, branch, completed_at, run_uid);
-- The successful runs of one key, newest first: the pipeline's baseline.
create index run_history_successes on run_history (namespace, pipeline, repository, branch, completed_at)
    where result = 'success';
-- The runs of one commit of a pipeline: reruns and flakiness.
-- With the completion time, so that "the newest runs of this commit" is one probe, not a walk
-- back through the pipeline's history when the commit has none.
create index run_history_by_revision on run_history (namespace, pipeline, revision, completed_at);
-- Statistics of a pipeline over a window.
create index run_history_by_pipeline on run_history (namespace, pipeline, completed_at);
-- Retention.
create index run_history_by_age on run_history (completed_at);

create table run_history_tasks (
    run_uid      text        not null references run_history (run_uid) on delete cascade,
    task         text        not null,
    namespace    text        not null,
    pipeline     text        not null,
    repository   text        not null,
    branch       text        not null,
    revision     text,
    result       text        not null,
    completed_at timestamptz not null,
    -- created → first step (queued, image pull, container creation) and the rest, in milliseconds.
    waiting_ms   bigint      not null,
    running_ms   bigint      not null,
    primary key (run_uid, task)
);
-- A task's successful runs of one key, newest first: its baseline.
create index run_history_tasks_baseline on run_history_tasks (namespace, pipeline, repository, branch, task, completed_at)
    where result = 'success';
-- A commit's failed tasks: flakiness.
create index run_history_tasks_failed on run_history_tasks (namespace, pipeline, revision)
    where result in ('failure', 'error', 'timeout');
