package io.gravix.dlq;

import static io.gravix.dlq.DlqFixture.facts;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.protobuf.UnknownFieldSet;
import io.gravix.api.spool.v1.RequestFactRecord;
import io.gravix.api.v1.RequestFact;
import io.gravix.spool.Table;
import io.gravix.testing.TestEvents;
import org.junit.jupiter.api.Test;

class RecordDecoderTest {
    private static String undecodable(Table table, byte[] payload) {
        return catchThrowableOfType(RecordDecoder.Undecodable.class, () -> RecordDecoder.decode(table, payload)).getMessage();
    }

    @Test
    void aRecordGravixWroteDecodesWithItsEvents() throws Exception {
        RecordDecoder.Decoded d = RecordDecoder.decode(Table.REQUEST_FACTS, facts("a", 3));
        assertThat(d.events()).hasSize(3);
        assertThat(d.source()).isEqualTo("tests");
        assertThat(d.eventsAsJson()).extracting(j -> j.get("eventId").asText()).containsExactly("a-0", "a-1", "a-2");
    }

    @Test
    void bytesThatAreNotProtobufAreUndecodable() {
        assertThat(undecodable(Table.REQUEST_FACTS, DlqFixture.GARBAGE)).startsWith("not a request_facts record: ");
    }

    @Test
    void aRecordWithoutEventsIsUndecodable() {
        byte[] empty = RequestFactRecord.newBuilder().setSource("tests").build().toByteArray();
        assertThat(undecodable(Table.REQUEST_FACTS, empty)).endsWith("it holds no event");
    }

    /** Field 99 is in neither the record nor the events (field 9 would be a fact's request_bytes). */
    @Test
    void unknownFieldsAreUndecodable() {
        UnknownFieldSet unknown = UnknownFieldSet.newBuilder()
                .addField(99, UnknownFieldSet.Field.newBuilder().addVarint(1).build()).build();
        byte[] record = RequestFactRecord.newBuilder().addFacts(TestEvents.requestFact("a")).setUnknownFields(unknown).build().toByteArray();
        byte[] event = RequestFactRecord.newBuilder().addFacts(TestEvents.requestFact("a").toBuilder().setUnknownFields(unknown)).build().toByteArray();
        assertThat(undecodable(Table.REQUEST_FACTS, record)).contains("unknown fields [99]");
        assertThat(undecodable(Table.REQUEST_FACTS, event)).contains("event 0 has unknown fields [99]");
    }

    @Test
    void anEventThatBreaksTheContractIsUndecodable() {
        RequestFact bad = TestEvents.requestFact("a").toBuilder().setStatusCode(999).build();
        byte[] payload = RequestFactRecord.newBuilder().addFacts(TestEvents.requestFact("ok")).addFacts(bad).build().toByteArray();
        assertThat(undecodable(Table.REQUEST_FACTS, payload)).contains("event 1 breaks the contract: status_code");
    }
}
