package io.pipelinelens.notifier.intake;

import io.pipelinelens.notifier.NotifierProperties;
import io.pipelinelens.notifier.delivery.Deliveries;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.springframework.kafka.annotation.KafkaListener;

/**
 * Consumes the sensemaker's status events. The listener returns only when every channel took the
 * event or gave up, and the container commits each record after that (AckMode.RECORD); whatever
 * throws reaches the error handler, which dead-letters it.
 */
public class KafkaStatusListener {

    public static final String LISTENER_ID = "pipeline-lens-notifier-status";

    private final NotifierProperties properties;
    private final StatusEventReader reader;
    private final Deliveries deliveries;

    public KafkaStatusListener(NotifierProperties properties, StatusEventReader reader, Deliveries deliveries) {
        this.properties = properties;
        this.reader = reader;
        this.deliveries = deliveries;
    }

    @KafkaListener(
            id = LISTENER_ID,
            topics = "#{__listener.topic()}",
            groupId = "#{__listener.groupId()}",
            concurrency = "#{__listener.concurrency()}",
            containerFactory = KafkaIntakeConfiguration.CONTAINER_FACTORY)
    public void onStatusEvent(ConsumerRecord<byte[], byte[]> record) {
        deliveries.deliver(reader.read(record.value()));
    }

    public String topic() {
        return properties.topic();
    }

    public String groupId() {
        return properties.groupId();
    }

    public String concurrency() {
        return Integer.toString(properties.concurrency());
    }
}
