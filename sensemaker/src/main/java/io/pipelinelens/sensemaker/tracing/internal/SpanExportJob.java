package io.pipelinelens.sensemaker.tracing.internal;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporterBuilder;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporter;
import io.opentelemetry.exporter.otlp.trace.OtlpGrpcSpanExporterBuilder;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.common.InstrumentationScopeInfo;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronization;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Ships recorded spans to the OTLP collector. A span counts as exported only once the collector
 * accepted it; until then it waits in PostgreSQL and is retried with backoff, so a collector outage
 * or a restart loses nothing. Replicas share the work through {@code FOR UPDATE SKIP LOCKED}.
 */
@Component
class SpanExportJob implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(SpanExportJob.class);
    private static final int BATCH = 512;
    private static final Duration POLL = Duration.ofSeconds(2);
    private static final Duration MAX_BACKOFF = Duration.ofSeconds(30);

    private final SpanStore spans;
    private final TransactionTemplate transactions;
    private final OtlpProperties otlp;
    private final Resource resource;
    private final InstrumentationScopeInfo scope =
            InstrumentationScopeInfo.builder("io.pipelinelens.sensemaker").build();
    private final Semaphore wakeUps = new Semaphore(0);
    private final Counter exported;
    private final Counter failures;
    private final Counter refused;
    private volatile SpanExporter exporter;
    private volatile Thread worker;
    private volatile boolean running;

    SpanExportJob(SpanStore spans, TransactionTemplate transactions, OtlpProperties otlp, MeterRegistry meters) {
        this.spans = spans;
        this.transactions = transactions;
        this.otlp = otlp;
        this.resource = Resource.getDefault()
                .merge(Resource.create(Attributes.of(
                        io.opentelemetry.api.common.AttributeKey.stringKey("service.name"), "pipeline-lens")));
        this.exported = meters.counter("pipelinelens.spans.exported");
        this.failures = meters.counter("pipelinelens.spans.export.failures");
        this.refused = meters.counter("pipelinelens.spans.export.refused");
    }

    /** Export soon: after the current transaction commits, or now when there is none. */
    void wakeUp() {
        if (TransactionSynchronizationManager.isSynchronizationActive()) {
            TransactionSynchronizationManager.registerSynchronization(new TransactionSynchronization() {
                @Override
                public void afterCommit() {
                    wakeUps.release();
                }
            });
        } else {
            wakeUps.release();
        }
    }

    @Override
    public void start() {
        exporter = createExporter();
        running = true;
        worker = Thread.ofPlatform().name("span-export").daemon().start(this::loop);
        log.info("Exporting spans over OTLP ({}) to {}", otlp.grpc() ? "grpc" : "http/protobuf", otlp.tracesEndpoint());
    }

    @Override
    public void stop() {
        running = false;
        wakeUps.release();
        Thread t = worker;
        if (t != null) {
            try {
                t.join(otlp.tracesTimeout().toMillis() + 1_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (exporter != null) {
            exporter.shutdown().join(5, TimeUnit.SECONDS);
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    private void loop() {
        Duration backoff = Duration.ZERO;
        while (running) {
            try {
                wakeUps.tryAcquire(backoff.isZero() ? POLL.toMillis() : backoff.toMillis(), TimeUnit.MILLISECONDS);
                wakeUps.drainPermits();
                if (!running) {
                    return;
                }
                while (running && exportBatch()) {
                    // drain everything that is waiting
                }
                backoff = Duration.ZERO;
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                failures.increment();
                backoff = backoff.isZero() ? Duration.ofMillis(500) : min(backoff.multipliedBy(2), MAX_BACKOFF);
                log.warn("Span export failed, retrying in {}: {}", backoff, e.getMessage());
            }
        }
    }

    /** @return whether a full batch went out (there may be more) */
    private boolean exportBatch() {
        Integer count = transactions.execute(status -> {
            List<SpanRecord> batch = spans.lockAwaitingExport(BATCH);
            if (batch.isEmpty()) {
                return 0;
            }
            export(batch);
            return batch.size();
        });
        return count != null && count == BATCH;
    }

    /**
     * Sends the spans; marks them exported once the collector accepted them. A refusal for good
     * (the request itself is wrong: 4xx, too large, invalid) splits the batch until the spans it
     * is about are found and set aside, so that the rest goes on; anything else is retried whole.
     */
    private void export(List<SpanRecord> batch) {
        CompletableResultCode result = exporter.export(batch.stream()
                        .<SpanData>map(s -> new StoredSpanData(s, resource, scope))
                        .toList())
                .join(otlp.tracesTimeout().toMillis(), TimeUnit.MILLISECONDS);
        if (result.isSuccess()) {
            spans.markExported(batch.stream().map(SpanRecord::spanId).toList());
            exported.increment(batch.size());
            return;
        }
        Throwable cause = result.getFailureThrowable();
        Optional<String> refusal = ExportRefusal.permanent(cause);
        if (refusal.isEmpty()) {
            throw new IllegalStateException("the collector at " + otlp.tracesEndpoint() + " did not accept "
                    + batch.size() + " spans" + (cause == null ? "" : ": " + cause.getMessage()));
        }
        if (batch.size() == 1) {
            SpanRecord span = batch.getFirst();
            refused.increment();
            log.error(
                    "The collector refused span {} ({}) of trace {} for good: {}",
                    span.spanId(),
                    span.name(),
                    span.traceId(),
                    refusal.get());
            spans.markRefused(span.spanId(), refusal.get());
            return;
        }
        int half = batch.size() / 2;
        export(batch.subList(0, half));
        export(batch.subList(half, batch.size()));
    }

    private SpanExporter createExporter() {
        if (otlp.grpc()) {
            OtlpGrpcSpanExporterBuilder builder = OtlpGrpcSpanExporter.builder()
                    .setEndpoint(otlp.tracesEndpoint())
                    .setTimeout(otlp.tracesTimeout())
                    .setCompression(otlp.tracesCompression());
            otlp.tracesHeaders().forEach(builder::addHeader);
            return builder.build();
        }
        OtlpHttpSpanExporterBuilder builder = OtlpHttpSpanExporter.builder()
                .setEndpoint(otlp.tracesEndpoint())
                .setTimeout(otlp.tracesTimeout())
                .setCompression(otlp.tracesCompression());
        otlp.tracesHeaders().forEach(builder::addHeader);
        return builder.build();
    }

    private static Duration min(Duration a, Duration b) {
        return a.compareTo(b) <= 0 ? a : b;
    }
}
