package io.pipelinelens.notifier.intake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.pipelinelens.contracts.EventType;
import io.pipelinelens.notifier.StatusEvent;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class StatusEventReaderTests {

    private final StatusEventReader reader = new StatusEventReader();

    @Test
    void readsAStructuredStatusEvent() {
        StatusEvent event = reader.read(bytes("""
                {"specversion":"1.0","id":"uid-1/dev.cdevents.pipelinerun.finished.0.3.0","source":"/sensemaker/dev",
                 "type":"dev.cdevents.pipelinerun.finished.0.3.0","subject":"jx/build-1",
                 "datacontenttype":"application/json","data":{"subject":{"id":"jx/build-1"}}}
                """));

        assertThat(event.type()).isEqualTo(EventType.PIPELINERUN_FINISHED);
        assertThat(event.id()).isEqualTo("uid-1/dev.cdevents.pipelinerun.finished.0.3.0");
        assertThat(new String(event.structuredJson(), StandardCharsets.UTF_8))
                .contains("\"data\":{\"subject\":{\"id\":\"jx/build-1\"}}");
    }

    @Test
    void rejectsSomethingThatIsNotJson() {
        assertThatThrownBy(() -> reader.read(bytes("not json {")))
                .isInstanceOf(InvalidStatusEventException.class)
                .hasMessageStartingWith("not a structured-mode CloudEvent");
    }

    @Test
    void rejectsACloudEventWithoutAnId() {
        assertThatThrownBy(() -> reader.read(bytes("""
                {"specversion":"1.0","source":"/sensemaker/dev","type":"dev.cdevents.pipelinerun.finished.0.3.0"}
                """))).isInstanceOf(InvalidStatusEventException.class);
    }

    @Test
    void rejectsATypeOutsideTheCatalog() {
        assertThatThrownBy(() -> reader.read(bytes("""
                {"specversion":"1.0","id":"x","source":"/sensemaker/dev","type":"com.example.unknown.v1"}
                """)))
                .isInstanceOf(InvalidStatusEventException.class)
                .hasMessage("type 'com.example.unknown.v1' is not in the event catalog");
    }

    @Test
    void rejectsAnObservationOnTheStatusTopic() {
        assertThatThrownBy(() -> reader.read(bytes("""
                {"specversion":"1.0","id":"x","source":"/clusters/dev","type":"io.pipelinelens.resource.applied.v1"}
                """)))
                .isInstanceOf(InvalidStatusEventException.class)
                .hasMessageContaining("not to the status topic");
    }

    @Test
    void rejectsAnEmptyValue() {
        assertThatThrownBy(() -> reader.read(new byte[0])).isInstanceOf(InvalidStatusEventException.class);
        assertThatThrownBy(() -> reader.read(null)).isInstanceOf(InvalidStatusEventException.class);
    }

    private static byte[] bytes(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
