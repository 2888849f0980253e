package dev.idvstreams.jsonl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import dev.idvstreams.avro.CheckType;
import dev.idvstreams.avro.DeadLetter;
import dev.idvstreams.avro.DeadLetterStage;
import dev.idvstreams.avro.FaceCheck;
import dev.idvstreams.avro.FaceDetail;
import dev.idvstreams.avro.Image;
import dev.idvstreams.avro.Outcome;
import dev.idvstreams.avro.VerificationRequest;
import dev.idvstreams.avro.VerificationResult;
import dev.idvstreams.config.ConfigLoader;
import dev.idvstreams.config.IdvConfig;
import dev.idvstreams.serde.AvroSerde;
import dev.idvstreams.serde.SchemaRegistries;
import dev.idvstreams.serde.SchemaRegistryClient;
import dev.idvstreams.topology.DeadLetterHeaders;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

class RecordJsonTest {

  private final String registryUrl = "mock://record-json-" + UUID.randomUUID();
  private final SchemaRegistryClient registry = SchemaRegistries.forUrl(registryUrl, null, Duration.ofSeconds(5));
  private final IdvConfig config = new ConfigLoader(Map.of()).load(Map.of(
    "bootstrap.servers", "127.0.0.1:9", "schema.registry.url", registryUrl,
    "topic.requests", "req", "topic.results", "res", "topic.dlq", "dlq"));

  private static final VerificationRequest REQUEST = VerificationRequest.newBuilder()
    .setBizId("b-3")
    .setRequestedAt(Instant.parse("2026-11-25T01:02:03.456Z"))
    .setCheck(FaceCheck.newBuilder().setResourceCode("00840000")
      .setRefFace(Image.newBuilder().setContent(ByteBuffer.wrap(new byte[] {(byte) 0xff, (byte) 0xd8})).build())
      .setAuthFace(Image.newBuilder().setUrl("https://a").build()).build())
    .build();

  @Test
  void shouldPrintAResultWithEveryFieldAndWhereItIs() throws Exception {
    VerificationResult result = VerificationResult.newBuilder()
      .setBizId("b-3").setCheckType(CheckType.FACE).setOutcome(Outcome.FAIL).setReasonCode("OK_SUCCESS")
      .setDetail(FaceDetail.newBuilder().setPassed(false).setScore(0.25).setFaceAttack(true).build())
      .setAttempts(2).setRequestedAt(Instant.parse("2026-11-25T01:02:03.456Z"))
      .setCompletedAt(Instant.parse("2026-11-25T01:02:04Z")).build();
    byte[] bytes = AvroSerde.forValues(VerificationResult.class, registry).serialize("res", result);

    JsonNode line = parse(RecordJson.forTopic(config, registry, "res").toJsonLine(record("res", "b-3", bytes, new RecordHeaders())));

    assertThat(line.get("topic").asText()).isEqualTo("res");
    assertThat(line.get("partition").asInt()).isEqualTo(1);
    assertThat(line.get("offset").asLong()).isEqualTo(42);
    assertThat(line.get("timestamp").asText()).isEqualTo("2026-11-25T01:02:05Z");
    assertThat(line.get("key").asText()).isEqualTo("b-3");
    assertThat(line.get("headers").size()).isZero();
    JsonNode value = line.get("value");
    assertThat(value.get("outcome").asText()).isEqualTo("FAIL");
    assertThat(value.get("checkType").asText()).isEqualTo("FACE");
    assertThat(value.get("reason").isNull()).isTrue();
    assertThat(value.get("detail").get("score").asDouble()).isEqualTo(0.25);
    assertThat(value.get("detail").get("faceAttack").asBoolean()).isTrue();
    assertThat(value.get("requestedAt").asText()).isEqualTo("2026-11-25T01:02:03.456Z");
    assertThat(value.get("replayed").asBoolean()).isFalse();
  }

  @Test
  void shouldPrintADeadLetterWithItsHeadersAndItsRequestInTheProduceFormat() throws Exception {
    DeadLetter letter = DeadLetter.newBuilder().setBizId("b-3").setStage(DeadLetterStage.PROVIDER)
      .setErrorCode("InternalError").setErrorMessage("gave up after 8 attempts").setHttpStatus(500).setAttempts(8)
      .setFailedAt(Instant.parse("2026-11-25T01:03:00Z")).setTopic("req").setPartition(0).setOffset(17L)
      .setRequest(REQUEST).build();
    byte[] bytes = AvroSerde.forValues(DeadLetter.class, registry).serialize("dlq", letter);
    Headers headers = DeadLetterHeaders.of("x.Y", letter);

    JsonNode line = parse(RecordJson.forTopic(config, registry, "dlq").toJsonLine(record("dlq", "b-3", bytes, headers)));

    assertThat(line.get("headers").get(DeadLetterHeaders.STAGE).asText()).isEqualTo("PROVIDER");
    assertThat(line.get("headers").get(DeadLetterHeaders.CODE).asText()).isEqualTo("InternalError");
    assertThat(line.get("headers").get(DeadLetterHeaders.OFFSET).asText()).isEqualTo("17");
    JsonNode value = line.get("value");
    assertThat(value.get("stage").asText()).isEqualTo("PROVIDER");
    assertThat(value.get("errorCode").asText()).isEqualTo("InternalError");
    assertThat(value.get("errorMessage").asText()).isEqualTo("gave up after 8 attempts");
    assertThat(value.get("httpStatus").asInt()).isEqualTo(500);
    assertThat(value.get("topic").asText()).isEqualTo("req");
    assertThat(value.get("offset").asLong()).isEqualTo(17);
    assertThat(value.get("rawValue").isNull()).isTrue();
    assertThat(value.get("request")).isEqualTo(RequestJson.toJson(REQUEST));
  }

  @Test
  void shouldPrintTheRawBytesOfADecodeDeadLetterAsBase64() throws Exception {
    byte[] raw = {7, 1, 2, 3};
    DeadLetter letter = DeadLetter.newBuilder().setStage(DeadLetterStage.DECODE).setErrorCode("UNKNOWN_MAGIC_BYTE")
      .setErrorMessage("unknown magic byte 0x07").setFailedAt(Instant.parse("2026-11-25T01:03:00Z"))
      .setRawValue(ByteBuffer.wrap(raw)).build();
    byte[] bytes = AvroSerde.forValues(DeadLetter.class, registry).serialize("dlq", letter);

    JsonNode line = parse(RecordJson.forTopic(config, registry, "dlq").toJsonLine(record("dlq", null, bytes, new RecordHeaders())));

    assertThat(line.get("key").isNull()).isTrue();
    assertThat(line.get("value").get("request").isNull()).isTrue();
    assertThat(Base64.getDecoder().decode(line.get("value").get("rawValue").asText())).isEqualTo(raw);
  }

  @Test
  void shouldPrintARequestInTheProduceFormat() throws Exception {
    byte[] bytes = AvroSerde.forValues(VerificationRequest.class, registry).serialize("req", REQUEST);

    JsonNode line = parse(RecordJson.forTopic(config, registry, "req").toJsonLine(record("req", "b-3", bytes, new RecordHeaders())));

    assertThat(line.get("value")).isEqualTo(RequestJson.toJson(REQUEST));
  }

  @Test
  void shouldPrintAnUndecodableValueWithTheReasonAndTheBytes() throws Exception {
    byte[] bytes = {9, 9, 9, 9, 9, 9};

    JsonNode line = parse(RecordJson.forTopic(config, registry, "res").toJsonLine(record("res", "k", bytes, new RecordHeaders())));

    assertThat(line.get("value").isNull()).isTrue();
    assertThat(line.get("decodeError").asText()).startsWith("UNKNOWN_MAGIC_BYTE: unknown magic byte 0x09");
    assertThat(Base64.getDecoder().decode(line.get("rawValue").asText())).isEqualTo(bytes);
  }

  @Test
  void shouldRefuseATopicThatIsNotConfigured() {
    assertThatThrownBy(() -> RecordJson.forTopic(config, registry, "other"))
      .isInstanceOf(IllegalArgumentException.class)
      .hasMessage("topic other is none of the configured topic.requests (req), topic.results (res) and topic.dlq (dlq)");
  }

  private static ConsumerRecord<String, byte[]> record(String topic, String key, byte[] value, Headers headers) {
    return new ConsumerRecord<>(topic, 1, 42, Instant.parse("2026-11-25T01:02:05Z").toEpochMilli(), TimestampType.CREATE_TIME,
      -1, value.length, key, value, headers, Optional.empty());
  }

  private static JsonNode parse(String line) throws Exception {
    assertThat(line).doesNotContain("\n");
    return RequestJson.JSON.readTree(line);
  }
}
