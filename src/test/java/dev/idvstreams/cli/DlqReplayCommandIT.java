package dev.idvstreams.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idvstreams.avro.DeadLetter;
import dev.idvstreams.avro.DeadLetterStage;
import dev.idvstreams.avro.FaceCheck;
import dev.idvstreams.avro.Image;
import dev.idvstreams.avro.VerificationRequest;
import dev.idvstreams.embedded.KafkaBootstrap;
import dev.idvstreams.headers.CarriedHeaders;
import dev.idvstreams.embedded.KafkaExtension;
import dev.idvstreams.serde.AvroSerde;
import dev.idvstreams.topology.DeadLetterHeaders;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(KafkaExtension.class)
class DlqReplayCommandIT {

  @TempDir
  Path dir;

  @Test
  void shouldReplayEachReplayableDeadLetterOnceAcrossRuns(KafkaBootstrap kafka) throws Exception {
    OperatorTool tool = deadLetterTopicWithOnePartition(kafka);
    VerificationRequest b1 = deadLetter(tool, "b-1", DeadLetterStage.PROVIDER, "InternalError");
    VerificationRequest b2 = deadLetter(tool, "b-2", DeadLetterStage.VALIDATION, "IMAGE_FORMAT");
    decodeDeadLetter(tool);
    tool.send(tool.dlqTopic, null, new byte[] {42, 42, 42}, new RecordHeaders()); // not a dead letter at all
    VerificationRequest b3 = deadLetter(tool, "b-3", DeadLetterStage.DEDUP_CONFLICT, "DEDUP_CONFLICT");

    OperatorTool.Run first = tool.run("dlq", "replay", "--max", "1");

    assertThat(first.exitCode()).as(first.err()).isZero();
    assertThat(first.out()).contains("replayed " + tool.dlqTopic + "-0@0 bizId=b-1 stage=PROVIDER code=InternalError")
      .contains("dead letters read: 1; replayed: 1; not matching: 0; without a request (not replayable): 0; unreadable: 0");
    assertThat(requests(tool)).containsExactly(Map.entry("b-1", b1));

    OperatorTool.Run second = tool.run("dlq", "replay");

    assertThat(second.exitCode()).as(second.err()).isZero();
    assertThat(second.out()).contains("dead letters read: 4; replayed: 2; not matching: 0; without a request (not replayable): 1; unreadable: 1");
    assertThat(second.err()).contains(tool.dlqTopic + "-0@2: DECODE UNKNOWN_MAGIC_BYTE has no request: not replayable")
      .contains(tool.dlqTopic + "-0@3: not a readable dead letter: skipped");
    assertThat(requests(tool)).containsExactly(Map.entry("b-1", b1), Map.entry("b-2", b2), Map.entry("b-3", b3));

    OperatorTool.Run nothingNew = tool.run("dlq", "replay");

    assertThat(nothingNew.exitCode()).as(nothingNew.err()).isZero();
    assertThat(nothingNew.out()).contains("dead letters read: 0; replayed: 0");
    VerificationRequest b4 = deadLetter(tool, "b-4", DeadLetterStage.PROVIDER, "Throttling");

    OperatorTool.Run onlyTheNewOne = tool.run("dlq", "replay");

    assertThat(onlyTheNewOne.out()).contains("dead letters read: 1; replayed: 1");
    assertThat(requests(tool)).containsExactly(Map.entry("b-1", b1), Map.entry("b-2", b2), Map.entry("b-3", b3), Map.entry("b-4", b4));
  }

  @Test
  void shouldReplayOnlyTheMatchingDeadLettersAndNothingOnADryRun(KafkaBootstrap kafka) throws Exception {
    OperatorTool tool = deadLetterTopicWithOnePartition(kafka);
    VerificationRequest b1 = deadLetter(tool, "b-1", DeadLetterStage.PROVIDER, "InternalError");
    deadLetter(tool, "b-2", DeadLetterStage.PROVIDER, "Throttling");
    deadLetter(tool, "b-3", DeadLetterStage.VALIDATION, "InternalError");
    VerificationRequest b4 = deadLetter(tool, "b-4", DeadLetterStage.PROVIDER, "InternalError");

    OperatorTool.Run dryRun = tool.run("dlq", "replay", "--stage", "PROVIDER", "--code", "InternalError", "--dry-run");

    assertThat(dryRun.exitCode()).as(dryRun.err()).isZero();
    assertThat(dryRun.outLines()).containsExactly(
      "would replay " + tool.dlqTopic + "-0@0 bizId=b-1 stage=PROVIDER code=InternalError",
      "would replay " + tool.dlqTopic + "-0@3 bizId=b-4 stage=PROVIDER code=InternalError",
      "dead letters read: 4; would replay: 2; not matching: 2; without a request (not replayable): 0; unreadable: 0; "
        + "replayed 3 times already (skipped): 0");
    assertThat(requests(tool)).isEmpty();

    OperatorTool.Run run = tool.run("dlq", "replay", "--stage", "PROVIDER", "--code", "InternalError");

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).contains("dead letters read: 4; replayed: 2; not matching: 2");
    assertThat(requests(tool)).containsExactly(Map.entry("b-1", b1), Map.entry("b-4", b4));
  }

  @Test
  void shouldCountReplaysInAHeaderAndSkipDeadLettersReplayedTooOften(KafkaBootstrap kafka) throws Exception {
    OperatorTool tool = deadLetterTopicWithOnePartition(kafka);
    VerificationRequest once = deadLetter(tool, "b-1", DeadLetterStage.PROVIDER, "InternalError",
      Map.of(CarriedHeaders.REPLAY_COUNT, "1", "traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
        "x-not-carried", "dropped"));
    deadLetter(tool, "b-2", DeadLetterStage.PROVIDER, "InternalError", Map.of(CarriedHeaders.REPLAY_COUNT, "3"));
    VerificationRequest never = deadLetter(tool, "b-3", DeadLetterStage.PROVIDER, "InternalError", Map.of());

    OperatorTool.Run run = tool.run("dlq", "replay");

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).contains("dead letters read: 3; replayed: 2; not matching: 0; without a request (not replayable): 0; "
      + "unreadable: 0; replayed 3 times already (skipped): 1");
    assertThat(run.err()).contains(tool.dlqTopic + "-0@1: bizId=b-2 PROVIDER InternalError was replayed 3 times already "
      + "(--max-replays 3): skipped");
    List<ConsumerRecord<String, byte[]>> sent = tool.readAll(tool.requestsTopic);
    assertThat(requests(tool)).containsExactly(Map.entry("b-1", once), Map.entry("b-3", never));
    assertThat(header(sent.get(0), CarriedHeaders.REPLAY_COUNT)).isEqualTo("2");
    assertThat(header(sent.get(0), "traceparent")).isEqualTo("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
    assertThat(header(sent.get(0), "x-not-carried")).isNull();
    assertThat(header(sent.get(0), DeadLetterHeaders.STAGE)).as("the dead letter's own headers stay behind").isNull();
    assertThat(header(sent.get(1), CarriedHeaders.REPLAY_COUNT)).isEqualTo("1");

    OperatorTool.Run withHigherBound = tool.run("dlq", "replay", "--max-replays", "4");
    assertThat(withHigherBound.out()).as("a run goes on after the last one, whatever it skipped")
      .contains("dead letters read: 0; replayed: 0");
  }

  private static String header(ConsumerRecord<String, byte[]> record, String key) {
    Header header = record.headers().lastHeader(key);
    return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
  }

  private OperatorTool deadLetterTopicWithOnePartition(KafkaBootstrap kafka) throws Exception {
    OperatorTool tool = new OperatorTool(kafka, dir, 1);
    tool.createTopics(1);
    return tool;
  }

  /** Writes a dead letter of {@code stage} and {@code code} for a request of {@code bizId}, as the processor would; returns the request. */
  private static VerificationRequest deadLetter(OperatorTool tool, String bizId, DeadLetterStage stage, String code) throws Exception {
    return deadLetter(tool, bizId, stage, code, Map.of());
  }

  /** The same, with {@code carried} headers after the dead letter's own, as the processor adds them. */
  private static VerificationRequest deadLetter(OperatorTool tool, String bizId, DeadLetterStage stage, String code,
      Map<String, String> carried) throws Exception {
    VerificationRequest request = VerificationRequest.newBuilder().setBizId(bizId).setRequestedAt(Instant.parse("2026-01-31T09:30:00Z"))
      .setCheck(FaceCheck.newBuilder().setResourceCode("00840000")
        .setRefFace(Image.newBuilder().setContent(ByteBuffer.wrap(new byte[] {(byte) 0xff, (byte) 0xd8})).build())
        .setAuthFace(Image.newBuilder().setUrl("https://img.example/" + bizId + ".jpg").build()).build())
      .build();
    DeadLetter letter = DeadLetter.newBuilder().setBizId(bizId).setStage(stage).setErrorCode(code).setErrorMessage("failed")
      .setFailedAt(Instant.now()).setTopic(tool.requestsTopic).setPartition(0).setOffset(0L).setRequest(request).build();
    Headers headers = DeadLetterHeaders.of("x.Y", letter);
    carried.forEach((key, value) -> headers.add(key, value.getBytes(StandardCharsets.UTF_8)));
    tool.send(tool.dlqTopic, bizId, AvroSerde.forValues(DeadLetter.class, tool.registry).serialize(tool.dlqTopic, letter),
      headers);
    return request;
  }

  private static void decodeDeadLetter(OperatorTool tool) throws Exception {
    DeadLetter letter = DeadLetter.newBuilder().setStage(DeadLetterStage.DECODE).setErrorCode("UNKNOWN_MAGIC_BYTE")
      .setErrorMessage("unknown magic byte 0x07").setFailedAt(Instant.now()).setTopic(tool.requestsTopic).setPartition(0)
      .setOffset(1L).setRawValue(ByteBuffer.wrap(new byte[] {7, 7})).build();
    tool.send(tool.dlqTopic, null, AvroSerde.forValues(DeadLetter.class, tool.registry).serialize(tool.dlqTopic, letter),
      DeadLetterHeaders.of("x.Y", letter));
  }

  /** The request topic's records, in order: key and decoded request. */
  private static List<Map.Entry<String, VerificationRequest>> requests(OperatorTool tool) {
    AvroSerde<VerificationRequest> serde = AvroSerde.forValues(VerificationRequest.class, tool.registry);
    return tool.readAll(tool.requestsTopic).stream()
      .map((ConsumerRecord<String, byte[]> r) -> Map.entry(r.key(), serde.deserialize(r.topic(), r.value())))
      .toList();
  }
}
