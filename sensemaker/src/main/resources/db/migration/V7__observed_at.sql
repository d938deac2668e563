-- When the harvester last observed a node or anything that belongs to it (its pods, its Events):
-- while a backlog drains, a node settles only once the stream has moved a settle period past that,
-- so its pod, observed later but still queued, is never left out of its spans.
alter table trace_nodes add column observed_at timestamptz;
