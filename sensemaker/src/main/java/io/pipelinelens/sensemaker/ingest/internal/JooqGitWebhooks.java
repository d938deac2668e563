package io.pipelinelens.sensemaker.ingest.internal;

import static io.pipelinelens.sensemaker.db.Tables.GIT_WEBHOOKS;

import io.pipelinelens.sensemaker.db.tables.records.GitWebhooksRecord;
import io.pipelinelens.sensemaker.ingest.GitWebhook;
import io.pipelinelens.sensemaker.ingest.GitWebhooks;
import java.util.Optional;
import org.jooq.DSLContext;
import org.jooq.impl.DSL;
import org.springframework.stereotype.Repository;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

@Repository
class JooqGitWebhooks implements GitWebhooks {

    private final DSLContext db;
    private final JsonMapper json;

    JooqGitWebhooks(DSLContext db, JsonMapper json) {
        this.db = db;
        this.json = json;
    }

    @Override
    public Optional<GitWebhook> byId(String id) {
        return db.selectFrom(GIT_WEBHOOKS)
                .where(GIT_WEBHOOKS.ID.eq(id))
                .fetchOptional()
                .map(this::toWebhook);
    }

    @Override
    public Optional<GitWebhook> latestPullRequest(String repository, long number) {
        // The subject is the repository's full name (the harvester sets it from the payload).
        // Provider and kind are inlined so that the condition matches the partial index.
        return db.selectFrom(GIT_WEBHOOKS)
                .where(GIT_WEBHOOKS.PROVIDER.eq(DSL.inline("github")))
                .and(GIT_WEBHOOKS.KIND.eq(DSL.inline("pull_request")))
                .and(GIT_WEBHOOKS.SUBJECT.eq(repository))
                .and(DSL.condition(
                        "{0} -> 'payload' -> 'pull_request' ->> 'number' = {1}",
                        GIT_WEBHOOKS.BODY, DSL.val(Long.toString(number))))
                .orderBy(
                        // GitHub writes UTC ISO-8601 times ("…Z"), which sort as text.
                        DSL.field("{0} -> 'payload' -> 'pull_request' ->> 'updated_at'", GIT_WEBHOOKS.BODY)
                                .desc()
                                .nullsLast(),
                        GIT_WEBHOOKS.RECEIVED_AT.desc(),
                        GIT_WEBHOOKS.ID.desc())
                .limit(1)
                .fetchOptional()
                .map(this::toWebhook);
    }

    private GitWebhook toWebhook(GitWebhooksRecord r) {
        JsonNode body = json.readTree(r.getBody().data());
        return new GitWebhook(
                r.getId(),
                r.getProvider(),
                r.getKind(),
                r.getSubject(),
                body.path("payload"),
                r.getReceivedAt().toInstant());
    }
}
