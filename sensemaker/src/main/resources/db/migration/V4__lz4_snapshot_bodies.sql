-- Every observed change rewrites its object's snapshot, and a body is mostly large enough to be
-- compressed: lz4 costs a fraction of the CPU of PostgreSQL's default pglz. Only where the server
-- was built with lz4; elsewhere the default stays.
do $$
begin
    if exists (select 1 from pg_settings
               where name = 'default_toast_compression' and 'lz4' = any (enumvals)) then
        alter table resource_snapshots alter column body set compression lz4;
        alter table git_webhooks alter column body set compression lz4;
        alter table spans alter column attributes set compression lz4;
        alter table spans alter column events set compression lz4;
    end if;
end
$$;
