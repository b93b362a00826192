package io.gravix.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import com.google.protobuf.CodedOutputStream;
import com.google.protobuf.WireFormat;
import io.gravix.api.v1.RequestFact;
import io.gravix.api.v1.RequestFactBatch;
import io.gravix.api.v1.ServiceEventBatch;
import io.gravix.testing.TestEvents;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class WireLengthsTest {

    @Test
    void validBatchesPass() {
        byte[] facts = RequestFactBatch.newBuilder().addAllFacts(TestEvents.requestFacts("w", 5)).build().toByteArray();
        byte[] events = ServiceEventBatch.newBuilder().addAllEvents(TestEvents.serviceEvents("w", 5)).build().toByteArray();

        assertThatCode(() -> WireLengths.check(facts, RequestFactBatch.getDescriptor())).doesNotThrowAnyException();
        assertThatCode(() -> WireLengths.check(events, ServiceEventBatch.getDescriptor())).doesNotThrowAnyException();
        assertThatCode(() -> WireLengths.check(new byte[0], RequestFactBatch.getDescriptor())).doesNotThrowAnyException();
    }

    @Test
    void aStringLengthOver32BitsIsRefusedNamingTheEventAndField() throws IOException {
        byte[] second = concat(TestEvents.requestFact("w-1").toBuilder().clearRoute().build().toByteArray(),
                field(5, (1L << 32) + 3, "/v1".getBytes(StandardCharsets.UTF_8)));
        byte[] batch = concat(field(1, TestEvents.requestFact("w-0").toByteArray()), field(1, second.length, second));

        IngestException e = catchThrowableOfType(IngestException.class, () -> WireLengths.check(batch, RequestFactBatch.getDescriptor()));

        assertThat(e.status()).isEqualTo(400);
        assertThat(e.details()).singleElement().satisfies(d -> {
            assertThat(d.index()).isEqualTo(1);
            assertThat(d.field()).isEqualTo("route");
            assertThat(d.message()).contains("length prefix 4294967299");
        });
    }

    @Test
    void aLengthInsideTheTimestampOrAMapEntryIsChecked() throws IOException {
        RequestFact fact = TestEvents.requestFact("w-0").toBuilder().clearAttributes().build();
        byte[] entry = concat(field(1, "k".getBytes(StandardCharsets.UTF_8)), field(2, 1L << 33, new byte[0]));
        byte[] event = concat(fact.toByteArray(), field(13, entry));

        IngestException e = catchThrowableOfType(IngestException.class,
                () -> WireLengths.check(field(1, event), RequestFactBatch.getDescriptor()));

        assertThat(e.details()).singleElement().satisfies(d -> assertThat(d.field()).isEqualTo("attributes.value"));
    }

    @Test
    void aTagOver32BitsIsRefused() throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CodedOutputStream c = CodedOutputStream.newInstance(out);
        c.writeUInt64NoTag((1L << 35) | (3 << 3) | WireFormat.WIRETYPE_VARINT);
        c.writeUInt64NoTag(1);
        c.flush();
        byte[] batch = field(1, out.toByteArray());

        IngestException e = catchThrowableOfType(IngestException.class, () -> WireLengths.check(batch, RequestFactBatch.getDescriptor()));

        assertThat(e.getMessage()).contains("does not fit in 32 bits");
    }

    @Test
    void aPaddedButExactLengthPrefixIsAccepted() throws IOException {
        // 0x83 0x80 0x80 0x80 0x00 is 3 in five bytes: unusual, but it says what it means
        byte[] padded = concat(new byte[] {0x2A, (byte) 0x83, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x00}, "/v1".getBytes(StandardCharsets.UTF_8));

        assertThatCode(() -> WireLengths.check(field(1, padded), RequestFactBatch.getDescriptor())).doesNotThrowAnyException();
    }

    private static byte[] field(int number, byte[] value) throws IOException {
        return field(number, value.length, value);
    }

    private static byte[] field(int number, long length, byte[] value) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        CodedOutputStream c = CodedOutputStream.newInstance(out);
        c.writeTag(number, WireFormat.WIRETYPE_LENGTH_DELIMITED);
        c.writeUInt64NoTag(length);
        c.writeRawBytes(value);
        c.flush();
        return out.toByteArray();
    }

    private static byte[] concat(byte[]... parts) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (byte[] p : parts) {
            out.writeBytes(p);
        }
        return out.toByteArray();
    }
}
