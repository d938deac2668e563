package io.pipelinelens.sensemaker.history;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import io.pipelinelens.contracts.Catalog;
import io.pipelinelens.contracts.EventType;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.time.Duration;
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
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads the status topic from its beginning on a thread of its own, keeping every record's key and
 * CloudEvent in the order read, and checks events against the catalog as a consumer would.
 */
final class StatusTopic implements AutoCloseable {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    private static final SchemaRegistry SCHEMAS = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);

    /** A record as read: its key and its structured CloudEvent. */
    record Received(String key, JsonNode event) {

        String type() {
            return event.path("type").asString();
        }

        JsonNode data() {
            return event.path("data");
        }
    }

    private final List<Received> received = new CopyOnWriteArrayList<>();
    private final Thread poller;
    private volatile boolean running = true;

    StatusTopic(String bootstrapServers, String topic) {
        Map<String, Object> config = Map.of(
                ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                bootstrapServers,
                ConsumerConfig.GROUP_ID_CONFIG,
                "history-" + UUID.randomUUID(),
                ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                "earliest",
                ConsumerConfig.ALLOW_AUTO_CREATE_TOPICS_CONFIG,
                false);
        poller = Thread.ofPlatform().daemon().name("status-topic").start(() -> poll(config, topic));
    }

    /** The records of one key, in the order read. */
    List<Received> of(String key) {
        return received.stream().filter(r -> r.key().equals(key)).toList();
    }

    /** Violations of the catalog by a received event: its envelope, then its data. */
    static List<String> violations(Received record) {
        EventType type = EventType.of(record.type())
                .orElseThrow(() -> new AssertionError("not in the catalog: " + record.type()));
        List<String> errors = new java.util.ArrayList<>(errors(Catalog.ENVELOPE_SCHEMA, record.event()));
        errors.addAll(errors(type.schemaResource(), record.data()));
        return errors;
    }

    private static List<String> errors(String resource, JsonNode node) {
        Schema schema;
        try (InputStream in = Catalog.open(resource)) {
            schema = SCHEMAS.getSchema(in);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return schema.validate(node, ctx -> ctx.executionConfig(c -> c.formatAssertionsEnabled(true))).stream()
                .map(Error::toString)
                .toList();
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
                for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    received.add(new Received(r.key(), JSON.readTree(r.value())));
                }
            }
        }
    }
}
