package dev.idvstreams.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idvstreams.avro.DedupEntry;
import dev.idvstreams.avro.DedupStatus;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.List;
import org.apache.avro.Schema;
import org.apache.avro.generic.GenericData;
import org.apache.avro.generic.GenericRecord;
import org.apache.avro.generic.GenericRecordBuilder;
import org.apache.avro.message.BinaryMessageEncoder;
import org.junit.jupiter.api.Test;

class DedupEntrySerdeTest {

  private final DedupEntrySerde serde = new DedupEntrySerde();

  @Test
  void shouldReadAnEntryWrittenByTheFirstRelease() throws IOException {
    Schema v1;
    try (InputStream in = DedupEntrySerde.class.getResourceAsStream("DedupEntry.v1.avsc")) {
      v1 = new Schema.Parser().parse(in);
    }
    assertThat(v1.getField("unconfirmed")).as("v1 is the schema before the unconfirmed events").isNull();
    GenericRecord written = new GenericRecordBuilder(v1)
        .set("bizId", "b-1")
        .set("fingerprint", ByteBuffer.wrap(new byte[] {1, 2, 3}))
        .set("status", new GenericData.EnumSymbol(v1.getField("status").schema(), "IN_FLIGHT"))
        .set("sourceTopic", "idv.requests")
        .set("sourcePartition", 2)
        .set("sourceOffset", 41L)
        .set("parked", List.of())
        .set("createdAt", 1_000L)
        .set("updatedAt", 2_000L)
        .build();
    ByteBuffer bytes = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), v1).encode(written);
    byte[] array = new byte[bytes.remaining()];
    bytes.get(array);

    DedupEntry read = serde.deserializer().deserialize("idv-dedup-changelog", array);

    assertThat(read.getBizId()).isEqualTo("b-1");
    assertThat(read.getStatus()).isEqualTo(DedupStatus.IN_FLIGHT);
    assertThat(read.getSourceOffset()).isEqualTo(41L);
    assertThat(read.getUnconfirmed()).isEmpty();
  }

  @Test
  void shouldReadAnEntryWrittenBeforeTheCarriedHeadersWithNone() throws IOException {
    Schema v2;
    try (InputStream in = DedupEntrySerde.class.getResourceAsStream("DedupEntry.v2.avsc")) {
      v2 = new Schema.Parser().parse(in);
    }
    assertThat(v2.getField("headers")).as("v2 is the schema before the carried headers").isNull();
    Schema parkedSchema = v2.getField("parked").schema().getElementType();
    GenericRecord parked = new GenericRecordBuilder(parkedSchema).set("topic", "t").set("partition", 0).set("offset", 7L)
        .build();
    GenericRecord written = new GenericRecordBuilder(v2)
        .set("bizId", "b-3")
        .set("fingerprint", ByteBuffer.wrap(new byte[] {4}))
        .set("status", new GenericData.EnumSymbol(v2.getField("status").schema(), "IN_FLIGHT"))
        .set("sourcePartition", 1)
        .set("sourceOffset", 5L)
        .set("parked", List.of(parked))
        .set("createdAt", 1_000L)
        .set("updatedAt", 2_000L)
        .build();
    ByteBuffer bytes = new BinaryMessageEncoder<GenericRecord>(GenericData.get(), v2).encode(written);
    byte[] array = new byte[bytes.remaining()];
    bytes.get(array);

    DedupEntry read = serde.deserializer().deserialize("idv-dedup-changelog", array);

    assertThat(read.getHeaders()).isEmpty();
    assertThat(read.getUnconfirmedHeaders()).isEmpty();
    assertThat(read.getParked()).singleElement().satisfies(p -> {
      assertThat(p.getOffset()).isEqualTo(7L);
      assertThat(p.getHeaders()).isEmpty();
    });
  }

  @Test
  void shouldRoundTripTheCurrentSchema() {
    DedupEntry entry = DedupEntry.newBuilder().setBizId("b-2").setFingerprint(ByteBuffer.wrap(new byte[] {9}))
        .setStatus(DedupStatus.DEAD_LETTERED).setSourcePartition(0).setSourceOffset(1)
        .setCreatedAt(java.time.Instant.ofEpochMilli(1)).setUpdatedAt(java.time.Instant.ofEpochMilli(2)).build();

    byte[] bytes = serde.serializer().serialize("t", entry);

    assertThat(serde.deserializer().deserialize("t", bytes)).isEqualTo(entry);
  }
}
