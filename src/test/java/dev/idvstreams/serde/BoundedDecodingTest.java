package dev.idvstreams.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.idvstreams.avro.VerificationRequest;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.apache.avro.Schema;
import org.apache.avro.io.BinaryEncoder;
import org.apache.avro.io.EncoderFactory;
import org.apache.avro.specific.SpecificDatumWriter;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.Test;

/**
 * Length bombs in every Avro type a writer can put in a request: a declared length or count far
 * beyond the record's bytes is a CORRUPT_PAYLOAD, found before anything of that size is allocated
 * (the test JVM's heap is far below 2^30 items of anything) and without walking 2^40 null items.
 */
class BoundedDecodingTest {

  private final String scope = "bounded-test-" + UUID.randomUUID();
  private final SchemaRegistryClient registry = SchemaRegistries.forUrl("mock://" + scope, null, Duration.ofSeconds(1));
  private final AvroSerde<VerificationRequest> requests = AvroSerde.forValues(VerificationRequest.class, registry);

  /** The request schema with one more field at the end, as a newer writer could have it: the reader skips it. */
  private static Schema withExtraField(String type) {
    Schema request = VerificationRequest.getClassSchema();
    List<Schema.Field> fields = new ArrayList<>();
    for (Schema.Field field : request.getFields()) {
      fields.add(new Schema.Field(field, field.schema()));
    }
    fields.add(new Schema.Field("extra", new Schema.Parser().parse(type), null, (Object) null));
    return Schema.createRecord(request.getName(), null, request.getNamespace(), false, fields);
  }

  /** A valid request's Avro bytes under {@code writer}'s id, then {@code tail} as the extra field. */
  private byte[] framed(Schema writer, byte[] tail) throws IOException {
    int id = registry.register("t-value", writer);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    out.write(0);
    out.writeBytes(ByteBuffer.allocate(4).putInt(id).array());
    BinaryEncoder encoder = EncoderFactory.get().directBinaryEncoder(out, null);
    new SpecificDatumWriter<VerificationRequest>(VerificationRequest.getClassSchema()).write(Samples.credential("b-1"), encoder);
    encoder.flush();
    out.writeBytes(tail);
    return out.toByteArray();
  }

  /** Avro's zig-zag varint of {@code value}. */
  private static byte[] varint(long value) {
    long n = (value << 1) ^ (value >> 63);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    while ((n & ~0x7FL) != 0) {
      out.write((int) ((n & 0x7F) | 0x80));
      n >>>= 7;
    }
    out.write((int) n);
    return out.toByteArray();
  }

  @ParameterizedTest
  @ValueSource(strings = {"\"string\"", "\"bytes\"", "{\"type\":\"array\",\"items\":\"null\"}",
      "{\"type\":\"map\",\"values\":\"null\"}", "{\"type\":\"array\",\"items\":\"long\"}"})
  void shouldRefuseADeclaredLengthBeyondTheRecordInASkippedField(String type) throws IOException {
    byte[] bytes = framed(withExtraField(type), varint(1L << 40));
    assertThatThrownBy(() -> requests.deserialize("t", bytes))
        .isInstanceOfSatisfying(BadRecordException.class,
          e -> assertThat(e.reason()).isEqualTo(BadRecordException.Reason.CORRUPT_PAYLOAD))
        .hasMessageContaining("exceeds the 0 bytes left");
  }

  @Test
  void shouldRefuseANegativeBlockSizeThatHidesAHugeCount() throws IOException {
    // a negative count announces a block size too: -2^40 items, then a size
    byte[] tail = new byte[0];
    tail = concat(varint(-(1L << 40)), varint(8));
    byte[] bytes = framed(withExtraField("{\"type\":\"array\",\"items\":\"long\"}"), tail);
    assertThatThrownBy(() -> requests.deserialize("t", bytes)).isInstanceOf(BadRecordException.class);
  }

  @Test
  void shouldStillReadWhatANewerWriterAddedWithinTheRecord() throws IOException {
    // three longs, then the end of the array
    byte[] bytes = framed(withExtraField("{\"type\":\"array\",\"items\":\"long\"}"),
        concat(varint(3), varint(1), varint(2), varint(3), varint(0)));
    assertThat(requests.deserialize("t", bytes)).isEqualTo(Samples.credential("b-1"));
  }

  @Test
  void shouldRefuseAStringLengthBombInTheRequestsOwnFirstField() {
    int id = registry.register("t-value", VerificationRequest.getClassSchema());
    byte[] bomb = concat(new byte[] {0}, ByteBuffer.allocate(4).putInt(id).array(), varint(1L << 30));
    assertThatThrownBy(() -> requests.deserialize("t", bomb))
        .isInstanceOf(BadRecordException.class)
        .hasMessageContaining("declared string length of 1073741824 exceeds the 0 bytes left");
  }

  private static byte[] concat(byte[]... parts) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (byte[] part : parts) {
      out.writeBytes(part);
    }
    return out.toByteArray();
  }
}
