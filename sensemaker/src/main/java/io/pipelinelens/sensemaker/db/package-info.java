/**
 * The jOOQ classes generated from the Flyway migrations ({@code src/generated/java}, regenerated
 * with {@code -Pjooq-codegen}). Open to every module; each table belongs to the module that writes
 * it (ingest: received_events, resource_snapshots, git_webhooks; tracing: pipeline_runs, spans).
 */
@ApplicationModule(displayName = "Database schema", type = ApplicationModule.Type.OPEN)
package io.pipelinelens.sensemaker.db;

import org.springframework.modulith.ApplicationModule;
