package io.pipelinelens.sensemaker.ingest.internal;

import static io.pipelinelens.sensemaker.db.Tables.GIT_WEBHOOKS;

import io.pipelinelens.sensemaker.ingest.GitWebhook;
import io.pipelinelens.sensemaker.ingest.GitWebhooks;
import java.util.Optional;
import org.jooq.DSLContext;
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
                .map(r -> {
                    JsonNode body = json.readTree(r.getBody().data());
                    return new GitWebhook(
                            r.getId(),
                            r.getProvider(),
                            r.getKind(),
                            r.getSubject(),
                            body.path("payload"),
                            r.getReceivedAt().toInstant());
                });
    }
}
