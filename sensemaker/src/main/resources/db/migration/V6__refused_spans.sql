-- A span the collector refuses for good (a 4xx, a message too large) is set aside with the reason,
-- so that it no longer holds back the spans exported after it.
alter table spans add column refused_at timestamptz;
alter table spans add column refused_reason text;
drop index if exists spans_awaiting_export;
create index spans_awaiting_export on spans (created_at) where exported_at is null and refused_at is null;
create index spans_refused on spans (refused_at desc) where refused_at is not null;
