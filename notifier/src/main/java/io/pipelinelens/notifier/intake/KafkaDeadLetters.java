package io.pipelinelens.notifier.intake;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.pipelinelens.notifier.delivery.DeliveryFailedException;
import java.nio.charset.StandardCharsets;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.kafka.core.DefaultKafkaProducerFactory;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.listener.ConsumerRecordRecoverer;
import org.springframework.kafka.listener.DeadLetterPublishingRecoverer;

/**
 * Publishes a record we gave up on to the dead-letter topic, unchanged, with why in its headers, and
 * says so at WARN. The publication is awaited: if it fails, the record is not committed and is
 * consumed again.
 */
public class KafkaDeadLetters implements ConsumerRecordRecoverer, DisposableBean {

    /** Human-readable reason. */
    public static final String REASON_HEADER = "pipelinelens-dlt-reason";
    /** {@code invalid-event}, {@code delivery-failed} or {@code error}. */
    public static final String KIND_HEADER = "pipelinelens-dlt-kind";
    /** Comma-separated channels that did not take the event (delivery failures only). */
    public static final String CHANNELS_HEADER = "pipelinelens-dlt-channels";

    static final String DEAD_LETTERS = "pipelinelens.notifier.dead.letters";

    private static final Logger log = LoggerFactory.getLogger(KafkaDeadLetters.class);

    private final String topic;
    private final DefaultKafkaProducerFactory<byte[], byte[]> producers;
    private final DeadLetterPublishingRecoverer publisher;
    private final MeterRegistry meters;

    public KafkaDeadLetters(String topic, DefaultKafkaProducerFactory<byte[], byte[]> producers, MeterRegistry meters) {
        this.topic = topic;
        this.producers = producers;
        this.meters = meters;
        // Partition -1: the producer picks one, so the DLT needs no more partitions than it has.
        this.publisher = new DeadLetterPublishingRecoverer(
                new KafkaTemplate<>(producers), (record, e) -> new TopicPartition(topic, -1));
        this.publisher.setHeadersFunction((record, e) -> headers(Reason.of(e)));
        this.publisher.setLogRecoveryRecord(false);
    }

    @Override
    public void accept(ConsumerRecord<?, ?> record, Exception exception) {
        Reason reason = Reason.of(exception);
        log.warn(
                "Dead-lettering record {}-{}@{} to {} ({}): {}",
                record.topic(),
                record.partition(),
                record.offset(),
                topic,
                reason.kind(),
                reason.text());
        publisher.accept(record, exception);
        Counter.builder(DEAD_LETTERS)
                .description("Records sent to the dead-letter topic, by kind")
                .tag("kind", reason.kind())
                .register(meters)
                .increment();
    }

    private static Headers headers(Reason reason) {
        RecordHeaders headers = new RecordHeaders();
        headers.add(REASON_HEADER, reason.text().getBytes(StandardCharsets.UTF_8));
        headers.add(KIND_HEADER, reason.kind().getBytes(StandardCharsets.UTF_8));
        if (!reason.channels().isEmpty()) {
            headers.add(CHANNELS_HEADER, reason.channels().getBytes(StandardCharsets.UTF_8));
        }
        return headers;
    }

    @Override
    public void destroy() {
        producers.destroy();
    }

    record Reason(String kind, String text, String channels) {

        static Reason of(Throwable exception) {
            for (Throwable t = exception; t != null; t = t.getCause() == t ? null : t.getCause()) {
                if (t instanceof InvalidStatusEventException invalid) {
                    return new Reason("invalid-event", invalid.getMessage(), "");
                }
                if (t instanceof DeliveryFailedException failed) {
                    return new Reason(
                            "delivery-failed",
                            failed.getMessage(),
                            failed.failures().stream()
                                    .map(DeliveryFailedException.Failure::channel)
                                    .collect(Collectors.joining(",")));
                }
            }
            Throwable root = exception;
            while (root.getCause() != null && root.getCause() != root) {
                root = root.getCause();
            }
            return new Reason("error", String.valueOf(root), "");
        }
    }
}
