package io.pipelinelens.sensemaker.lineage.internal;

import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotNull;
import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * How the lineage graph is assembled. The prefix is {@code tracing}: these are the knobs a user
 * turns to get traces sooner or more complete.
 *
 * @param settle how long a finished node must stay unchanged (its pods and Events included) before
 *     it is handed over to tracing; late details within this window still make it into the spans
 * @param pendingTimeout how long a node waits for the parent its strongest key names; then it is
 *     placed by its weaker keys, else under the git event it names, else as its own root
 * @param rootGrace how long a root (a git or Triggers event) stays open after its last child ended,
 *     for children that start late (a second job, a re-test)
 * @param rootWithoutChildren how long a root that never got a child waits for one before it closes
 *     on its own (a webhook that started nothing)
 * @param tick how often waiting nodes are retried and settled ones handed over
 * @param batch how many nodes one tick hands over at most
 * @param gitopsChildDelay how long a merged pull request stays open for the environment pull
 *     requests that promote it (DESIGN §5); its span still ends when it merged
 * @param executorThreads threads that place observed changes (the lineage module's own pool)
 * @param executorQueue changes waiting for those threads; when it is full the ingest listener
 *     places its batch itself, which slows ingest down to the pace of placement
 */
@Validated
@ConfigurationProperties("pipelinelens.sensemaker.tracing")
record LineageProperties(
        @NotNull @DefaultValue("3s") Duration settle,
        @NotNull @DefaultValue("10m") Duration pendingTimeout,
        @NotNull @DefaultValue("30s") Duration rootGrace,
        @NotNull @DefaultValue("10m") Duration rootWithoutChildren,
        @NotNull @DefaultValue("250ms") Duration tick,
        @Min(1) @DefaultValue("200") int batch,
        @NotNull @DefaultValue("2m") Duration gitopsChildDelay,
        @Min(1) @DefaultValue("2") int executorThreads,
        @Min(0) @DefaultValue("16") int executorQueue) {}
