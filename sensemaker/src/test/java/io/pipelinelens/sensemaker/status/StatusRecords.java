package io.pipelinelens.sensemaker.status;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.provider.EventFormatProvider;
import io.cloudevents.jackson.JsonFormat;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * Reads the status topic from its beginning, as the notifier would, on a thread of its own; every
 * record is kept in the order it was read.
 */
final class StatusRecords implements AutoCloseable {

    /** A record as read: its key, its CloudEvent id and type. */
    record Received(String key, String id, String type) {}

    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final Thread poller;
    private volatile boolean running = true;

    StatusRecords(String bootstrapServers, String topic) {
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG,
                "status-records-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest",
                // The publisher creates the topic; a consumer that created it would pick its partitions.
                ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG,
                false);
        poller = Thread.ofPlatform().daemon().name("status-records").start(() -> poll(config, topic));
    }

    List<Received> received() {
        return List.copyOf(received);
    }

    /** The ids read so far, in the order read, one per record (duplicates included). */
    List<String> ids() {
        return received.stream().map(Received::id).toList();
    }

    /** The ids read for one key, in the order read. */
    List<String> ids(String key) {
        return received.stream()
                .filter(r -> r.key().equals(key))
                .map(Received::id)
                .toList();
    }

    boolean containsAll(Collection<String> ids) {
        return ids().containsAll(ids);
    }

    @Override
    public void close() throws InterruptedException {
        running = false;
        poller.join(Duration.ofSeconds(10));
    }

    private void poll(Map<String, Object> config, String topic) {
        try (Consumer<String, byte[]> consumer =
                new KafkaConsumer<>(config, new StringDeserializer(), new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(topic));
            while (running) {
                List<Received> batch = new ArrayList<>();
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    CloudEvent event = EventFormatProvider.getInstance()
                            .resolveFormat(JsonFormat.CONTENT_TYPE)
                            .deserialize(r.value());
                    batch.add(new Received(r.key(), event.getId(), event.getType()));
                }
                received.addAll(batch);
            }
        }
    }
}
