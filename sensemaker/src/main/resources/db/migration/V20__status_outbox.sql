-- Status: the events to publish on Kafka, written in the transaction that records what they are
-- about, and sent by one publisher per key in seq order (docs/events.md, "Order"). A row is kept
-- for `status.outbox.retention` after Kafka acknowledged it, so what was sent, and in which order,
-- can be looked up.
create table status_outbox (
    -- Within a key, seq order is commit order: writers of one key take a transaction-level
    -- advisory lock on it before they insert.
    seq             bigint      generated always as identity primary key,
    event_key       text        not null,
    event_id        text        not null,
    event_type      text        not null,
    -- When the fact happened (the CloudEvent's time); orders the events written in one transaction.
    event_time      timestamptz not null,
    -- The serialized CloudEvent, sent as is.
    payload         bytea       not null,
    created_at      timestamptz not null default now(),
    attempts        int         not null default 0,
    next_attempt_at timestamptz not null default now(),
    last_error      text,
    published_at    timestamptz
);
-- The same fact published again (a retried transaction) is the same event: written once.
create unique index status_outbox_event_id on status_outbox (event_id);
-- The first unpublished event of each key, and the ones after it.
create index status_outbox_unpublished on status_outbox (event_key, seq) where published_at is null;
-- The waiting events without walking the published rows kept for the retention.
create index status_outbox_waiting on status_outbox (next_attempt_at, seq) where published_at is null;
