package io.gravix.dlq;

import static io.gravix.dlq.DlqFixture.GARBAGE;
import static io.gravix.dlq.DlqFixture.facts;
import static io.gravix.dlq.DlqFixture.serviceEvents;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.gravix.spool.SpoolFile;
import io.gravix.spool.SpoolFileSalvager;
import io.gravix.spool.Table;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DeadLetterInspectorTest {
    @TempDir
    Path dataDir;

    private DlqFixture fx;

    @BeforeEach
    void start() throws Exception {
        fx = new DlqFixture(dataDir);
    }

    @AfterEach
    void stop() throws Exception {
        fx.close();
    }

    private static List<String> eventIds(DeadLetterInspector.ShownFrame frame) {
        return frame.events().stream().map(e -> e.get("eventId").asText()).toList();
    }

    @Test
    void aFlippedByteMidFileLosesOnlyItsFrameAndTheOthersAreShown() throws Exception {
        Path file = fx.sealedFile(Table.REQUEST_FACTS, List.of(facts("a", 2), facts("b", 3), facts("c", 1), facts("d", 4)));
        List<Long> offsets = DlqFixture.frameOffsets(file);
        DlqFixture.flipByte(file, offsets.get(1) + SpoolFile.FRAME_OVERHEAD + 20);
        DeadLetterEntry entry = fx.quarantine(Table.REQUEST_FACTS, file, "checksum mismatch", offsets.get(1));

        DeadLetterInspector.Inspection in = DeadLetterInspector.inspect(entry, 10);

        assertThat(in.header().table()).isEqualTo(Table.REQUEST_FACTS);
        assertThat(in.headerError()).isNull();
        assertThat(in.readableFrames()).isEqualTo(3);
        assertThat(in.decodableFrames()).isEqualTo(3);
        assertThat(in.events()).isEqualTo(7);
        assertThat(in.damage()).containsExactly(new SpoolFileSalvager.Damage(offsets.get(1), offsets.get(2) - offsets.get(1)));
        assertThat(in.undecodableFrames()).isZero();
        assertThat(in.firstFrames()).extracting(DeadLetterInspector.ShownFrame::offset)
                .containsExactly(offsets.get(0), offsets.get(2), offsets.get(3));
        assertThat(eventIds(in.firstFrames().get(1))).containsExactly("c-0");
        DeadLetterInspector.ShownFrame first = in.firstFrames().get(0);
        assertThat(first.source()).isEqualTo("tests");
        assertThat(first.ingestedAtMicros()).isEqualTo(DlqFixture.INGESTED_AT_MICROS);
        JsonNode fact = first.events().get(1);
        assertThat(fact.get("eventId").asText()).isEqualTo("a-1");
        assertThat(fact.get("route").asText()).isEqualTo("/v1/orders/{id}");
        assertThat(fact.get("statusCode").asInt()).isEqualTo(201);
        assertThat(fact.get("attributes").get("region").asText()).isEqualTo("eu-west-1");
    }

    @Test
    void aBadHeaderIsReportedAndEveryFrameIsStillRead() throws Exception {
        Path file = fx.sealedFile(Table.SERVICE_EVENTS, List.of(serviceEvents("s", 2), serviceEvents("t", 1)));
        DlqFixture.flipByte(file, 12);
        DeadLetterEntry entry = fx.quarantine(Table.SERVICE_EVENTS, file, "bad header: header checksum mismatch", 0);

        DeadLetterInspector.Inspection in = DeadLetterInspector.inspect(entry, 10);

        assertThat(in.header()).isNull();
        assertThat(in.headerError().problem()).isEqualTo("header checksum mismatch");
        assertThat(in.headerError().offset()).isZero();
        assertThat(in.readableFrames()).isEqualTo(2);
        assertThat(in.events()).isEqualTo(3);
        assertThat(in.firstFrames().get(0).events().get(0).get("kind").asText()).isEqualTo("DEPLOY");
    }

    @Test
    void aGarbagePayloadWithAValidChecksumIsUndecodableAtItsOffset() throws Exception {
        Path file = fx.sealedFile(Table.REQUEST_FACTS, List.of(facts("a", 1), GARBAGE, facts("c", 2)));
        List<Long> offsets = DlqFixture.frameOffsets(file);
        DeadLetterEntry entry = fx.quarantine(Table.REQUEST_FACTS, file, "frame payload is not a request_facts record", offsets.get(1));

        DeadLetterInspector.Inspection in = DeadLetterInspector.inspect(entry, 10);

        assertThat(in.readableFrames()).isEqualTo(3);
        assertThat(in.decodableFrames()).isEqualTo(2);
        assertThat(in.events()).isEqualTo(3);
        assertThat(in.damage()).isEmpty();
        assertThat(in.undecodable()).singleElement().satisfies(u -> {
            assertThat(u.offset()).isEqualTo(offsets.get(1));
            assertThat(u.error()).startsWith("not a request_facts record: ");
        });
        assertThat(in.firstFrames()).extracting(DeadLetterInspector.ShownFrame::offset).containsExactly(offsets.get(0), offsets.get(2));
    }

    @Test
    void framesOfTheOtherTableAreNotThisTablesRecords() throws Exception {
        // A service_events record parses as a request_facts record (same field numbers), but its
        // events break the request fact contract: strict decoding tells them apart.
        Path file = fx.sealedFile(Table.REQUEST_FACTS, List.of(facts("a", 1), serviceEvents("s", 1)));
        DeadLetterEntry entry = fx.quarantine(Table.REQUEST_FACTS, file, "test", 0);

        DeadLetterInspector.Inspection in = DeadLetterInspector.inspect(entry, 10);

        assertThat(in.decodableFrames()).isEqualTo(1);
        assertThat(in.undecodable()).singleElement().extracting(DeadLetterInspector.UndecodableFrame::error).asString()
                .startsWith("not a request_facts record: ");
    }

    @Test
    void onlyTheFirstFramesAreDecodedToJsonButEveryFrameIsCounted() throws Exception {
        Path file = fx.sealedFile(Table.REQUEST_FACTS, List.of(facts("a", 1), facts("b", 1), facts("c", 1), facts("d", 1)));
        DeadLetterEntry entry = fx.quarantine(Table.REQUEST_FACTS, file, "test", 0);

        DeadLetterInspector.Inspection in = DeadLetterInspector.inspect(entry, 2);

        assertThat(in.readableFrames()).isEqualTo(4);
        assertThat(in.events()).isEqualTo(4);
        assertThat(in.firstFrames()).hasSize(2);
        assertThat(eventIds(in.firstFrames().get(1))).containsExactly("b-0");
        assertThat(DeadLetterInspector.inspect(entry, 0).firstFrames()).isEmpty();
    }
}
