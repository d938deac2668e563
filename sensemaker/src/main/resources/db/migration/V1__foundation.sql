-- Ingest: every CloudEvent id seen (consumers dedupe: delivery is at-least-once) and the latest
-- snapshot of every observed object.
create table received_events (
    id          text        primary key,
    type        text        not null,
    received_at timestamptz not null default now()
);

create table resource_snapshots (
    uid              text        primary key,
    api_version      text        not null,
    kind             text        not null,
    namespace        text,
    name             text        not null,
    resource_version text        not null,
    deleted          boolean     not null default false,
    body             jsonb       not null,
    observed_at      timestamptz not null
);
create index resource_snapshots_by_name on resource_snapshots (kind, namespace, name);

create table git_webhooks (
    id          text        primary key,
    provider    text        not null,
    kind        text        not null,
    subject     text,
    body        jsonb       not null,
    received_at timestamptz not null
);

-- Tracing: finished pipeline runs and the spans waiting for, or done with, export.
create table pipeline_runs (
    uid          text        primary key,
    namespace    text        not null,
    name         text        not null,
    pipeline     text        not null,
    result       text        not null,
    started_at   timestamptz,
    completed_at timestamptz,
    trace_id     text        not null,
    span_id      text        not null,
    repository   text,
    branch       text,
    revision     text,
    recorded_at  timestamptz not null default now()
);
create index pipeline_runs_by_completion on pipeline_runs (completed_at desc);

-- Times are epoch nanoseconds: exact, and what OTLP carries.
create table spans (
    span_id           text        primary key,
    trace_id          text        not null,
    parent_span_id    text,
    name              text        not null,
    kind              text        not null,
    start_epoch_nanos bigint      not null,
    end_epoch_nanos   bigint      not null,
    attributes        jsonb       not null,
    status_code       text        not null,
    status_message    text,
    exported_at       timestamptz,
    created_at        timestamptz not null default now()
);
create index spans_awaiting_export on spans (created_at) where exported_at is null;
create index spans_by_trace on spans (trace_id);

-- Spring Modulith's event publication registry (schema v2 of spring-modulith-events-jdbc 2.1):
-- the transactional outbox between modules and towards Kafka.
create table event_publication (
    id                     uuid        not null primary key,
    listener_id            text        not null,
    event_type             text        not null,
    serialized_event       text        not null,
    publication_date       timestamptz not null,
    completion_date        timestamptz,
    status                 text,
    completion_attempts    int,
    last_resubmission_date timestamptz
);
create index event_publication_serialized_event_hash_idx on event_publication using hash (serialized_event);
create index event_publication_by_completion_date_idx on event_publication (completion_date);

create table event_publication_archive (
    id                     uuid        not null primary key,
    listener_id            text        not null,
    event_type             text        not null,
    serialized_event       text        not null,
    publication_date       timestamptz not null,
    completion_date        timestamptz,
    status                 text,
    completion_attempts    int,
    last_resubmission_date timestamptz
);
create index event_publication_archive_serialized_event_hash_idx on event_publication_archive using hash (serialized_event);
create index event_publication_archive_by_completion_date_idx on event_publication_archive (completion_date);
