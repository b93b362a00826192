package io.gravix.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.dropwizard.util.DataSize;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

class BodyReaderTest {
    private static final int LIMIT = 1000;

    private static BodyReader reader() {
        IngestConfig config = new IngestConfig();
        config.setMaxBodySize(DataSize.bytes(LIMIT));
        config.setMaxDecompressedSize(DataSize.bytes(LIMIT * 4L));
        return new BodyReader(config);
    }

    private static byte[] body(int length) {
        byte[] b = new byte[length];
        Arrays.fill(b, (byte) 'x');
        b[length - 1] = 'y';
        return b;
    }

    @Test
    void aBodyOfItsDeclaredLengthIsReadWhole() throws IOException {
        byte[] sent = body(300);

        assertThat(reader().read(new ByteArrayInputStream(sent), sent.length, false)).isEqualTo(sent);
    }

    @Test
    void bytesBeyondTheDeclaredLengthAreReadToo() throws IOException {
        byte[] sent = body(700);

        // The array fills at the declared 300 bytes; the rest must not be cut off.
        assertThat(reader().read(new ByteArrayInputStream(sent), 300, false)).isEqualTo(sent);
    }

    @Test
    void aBodyWithoutDeclaredLengthIsReadUpToTheLimit() throws IOException {
        byte[] sent = body(LIMIT);

        assertThat(reader().read(new ByteArrayInputStream(sent), -1, false)).isEqualTo(sent);
    }

    @Test
    void oneByteOverTheLimitIsRefusedNamingTheLimit() {
        for (long declared : new long[] {-1, 300, LIMIT}) {
            IngestException e = catchThrowableOfType(IngestException.class,
                    () -> reader().read(new ByteArrayInputStream(body(LIMIT + 1)), declared, false));

            assertThat(e.status()).as("declared %d", declared).isEqualTo(413);
            assertThat(e.getMessage()).contains("1000 bytes (ingest.maxBodySize)");
        }
    }

    @Test
    void aDeclaredLengthOverTheLimitIsRefusedBeforeReading() {
        IngestException e = catchThrowableOfType(IngestException.class,
                () -> reader().read(new ByteArrayInputStream(new byte[0]), LIMIT + 1, false));

        assertThat(e.status()).isEqualTo(413);
        assertThat(e.getMessage()).contains("request body of 1001 bytes exceeds the limit");
    }
}
