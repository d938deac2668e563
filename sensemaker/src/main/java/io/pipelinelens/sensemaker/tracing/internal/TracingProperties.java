package io.pipelinelens.sensemaker.tracing.internal;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How traces are assembled.
 *
 * @param settle how long a finished node must stay unchanged (its pods and Events included) before
 *     its spans are recorded; late details within this window still make it into the spans
 * @param pendingTimeout how long a node waits for a parent that has not arrived; then it is
 *     attached to its git event when it names one, else exported under its own root
 * @param rootGrace how long a root (a git event) stays open after its last child ended, for
 *     children that start late (a second job, a re-test)
 * @param tick how often waiting nodes are retried and settled ones recorded
 * @param batch how many nodes one tick records at most
 * @param gitopsChildDelay how long a merged pull request stays open for the environment pull
 *     requests that promote it (DESIGN §5); its span still ends when it merged
 */
@ConfigurationProperties("pipelinelens.sensemaker.tracing")
record TracingProperties(
        @DefaultValue("3s") Duration settle,
        @DefaultValue("10m") Duration pendingTimeout,
        @DefaultValue("30s") Duration rootGrace,
        @DefaultValue("250ms") Duration tick,
        @DefaultValue("200") int batch,
        @DefaultValue("2m") Duration gitopsChildDelay) {}
