package dev.idvstreams.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.idvstreams.avro.CheckType;
import dev.idvstreams.avro.DeadLetter;
import dev.idvstreams.avro.DeadLetterStage;
import dev.idvstreams.avro.FaceDetail;
import dev.idvstreams.avro.Outcome;
import dev.idvstreams.avro.VerificationRequest;
import dev.idvstreams.avro.VerificationResult;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class AvroSerdeTest {

  private final String scope = "serde-test-" + UUID.randomUUID();
  private final SchemaRegistryClient registry = SchemaRegistries.forUrl("mock://" + scope, null, Duration.ofSeconds(1));
  private final AvroSerde<VerificationRequest> requests = AvroSerde.forValues(VerificationRequest.class, registry);

  @Test
  void shouldRoundTripEveryCheckTypeThroughTheInProcessRegistry() {
    for (VerificationRequest request : new VerificationRequest[] {
        Samples.credential("b-1"), Samples.material("b-2"), Samples.face("b-3")}) {
      byte[] bytes = requests.serializer().serialize("idv.requests", request);
      assertThat(requests.deserializer().deserialize("idv.requests", bytes)).isEqualTo(request);
    }
  }

  @Test
  void shouldRoundTripResultsAndDeadLetters() {
    AvroSerde<VerificationResult> results = AvroSerde.forValues(VerificationResult.class, registry);
    VerificationResult result = VerificationResult.newBuilder().setBizId("b-9").setCheckType(CheckType.FACE)
        .setOutcome(Outcome.PASS).setAttempts(2).setRequestedAt(Instant.ofEpochMilli(1000))
        .setCompletedAt(Instant.ofEpochMilli(2000))
        .setDetail(FaceDetail.newBuilder().setPassed(true).setScore(99.5).setFaceAttack(false).build())
        .build();
    assertThat(results.deserialize("idv.results", results.serialize("idv.results", result))).isEqualTo(result);

    AvroSerde<DeadLetter> dlq = AvroSerde.forValues(DeadLetter.class, registry);
    DeadLetter letter = DeadLetter.newBuilder().setStage(DeadLetterStage.DECODE).setErrorCode("UNKNOWN_MAGIC_BYTE")
        .setErrorMessage("unknown magic byte 0x07").setFailedAt(Instant.ofEpochMilli(3000))
        .setTopic("idv.requests").setPartition(0).setOffset(41L)
        .setRawValue(ByteBuffer.wrap(new byte[] {7, 7})).build();
    assertThat(dlq.deserialize("idv.dlq", dlq.serialize("idv.dlq", letter))).isEqualTo(letter);
  }

  @Test
  void shouldWriteTheConfluentHeaderWithTheRegisteredIdUnderTheTopicSubject() {
    byte[] bytes = requests.serialize("idv.requests", Samples.credential("b-1"));
    int id = ByteBuffer.wrap(bytes, 1, 4).getInt();
    assertThat(bytes[0]).isZero();
    assertThat(registry.schemaById(id)).isEqualTo(VerificationRequest.getClassSchema());
    assertThat(InProcessSchemaRegistry.scope(scope).subjects()).containsExactly("idv.requests-value");

    AvroSerde<VerificationRequest> keys = AvroSerde.forKeys(VerificationRequest.class, registry);
    keys.serialize("idv.requests", Samples.credential("b-1"));
    assertThat(InProcessSchemaRegistry.scope(scope).subjects()).contains("idv.requests-key");
  }

  @Test
  void shouldPassNullThrough() {
    assertThat(requests.serialize("t", null)).isNull();
    assertThat(requests.deserialize("t", null)).isNull();
  }

  @Test
  void shouldNameAWrongMagicByte() {
    byte[] bytes = requests.serialize("t", Samples.credential("b-1"));
    bytes[0] = 7;
    assertThatThrownBy(() -> requests.deserialize("t", bytes))
        .isInstanceOfSatisfying(BadRecordException.class, e -> assertThat(e.reason()).isEqualTo(BadRecordException.Reason.UNKNOWN_MAGIC_BYTE))
        .hasMessage("unknown magic byte 0x07 (the Confluent wire format starts with 0x00)");
  }

  @Test
  void shouldNameAnUnknownSchemaId() {
    byte[] bytes = requests.serialize("t", Samples.credential("b-1"));
    ByteBuffer.wrap(bytes).putInt(1, 4242);
    assertThatThrownBy(() -> requests.deserialize("t", bytes))
        .isInstanceOfSatisfying(BadRecordException.class, e -> assertThat(e.reason()).isEqualTo(BadRecordException.Reason.UNKNOWN_SCHEMA_ID))
        .hasMessageContaining("unknown schema id 4242");
  }

  @Test
  void shouldNameACorruptPayload() {
    byte[] good = requests.serialize("t", Samples.material("b-2"));
    byte[] truncated = Arrays.copyOf(good, good.length - 10);
    assertThatThrownBy(() -> requests.deserialize("t", truncated))
        .isInstanceOfSatisfying(BadRecordException.class, e -> assertThat(e.reason()).isEqualTo(BadRecordException.Reason.CORRUPT_PAYLOAD))
        .hasMessageStartingWith("corrupt Avro payload for schema id");

    byte[] trailing = Arrays.copyOf(good, good.length + 3);
    assertThatThrownBy(() -> requests.deserialize("t", trailing))
        .isInstanceOf(BadRecordException.class)
        .hasMessageContaining("trailing bytes after the record");

    assertThatThrownBy(() -> requests.deserialize("t", new byte[] {0, 0, 1}))
        .isInstanceOf(BadRecordException.class)
        .hasMessage("record of 3 bytes is shorter than the 5-byte Confluent wire-format header");
  }

  @Test
  void shouldNeverLeakPersonalDataIntoDecodeErrors() {
    byte[] good = requests.serialize("t", Samples.material("b-2"));
    byte[] truncated = Arrays.copyOf(good, good.length - 2);
    assertThatThrownBy(() -> requests.deserialize("t", truncated))
        .satisfies(e -> assertThat(e.getMessage()).doesNotContain("张三").doesNotContain("023432189011231236"));
  }

  @Test
  void shouldTellAnUnreachableRegistryFromABrokenRecord() {
    int closedPort = dev.idvstreams.embedded.FreePort.pick();
    SchemaRegistryClient down = SchemaRegistries.forUrl("http://127.0.0.1:" + closedPort, null, Duration.ofSeconds(2));
    AvroSerde<VerificationRequest> serde = AvroSerde.forValues(VerificationRequest.class, down);
    byte[] bytes = requests.serialize("t", Samples.credential("b-1"));
    assertThatThrownBy(() -> serde.deserialize("t", bytes))
        .isInstanceOf(RegistryUnavailableException.class)
        .isNotInstanceOf(BadRecordException.class)
        .hasMessageContaining("unreachable");
  }
}
