package dev.idvstreams.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idvstreams.avro.VerificationRequest;
import dev.idvstreams.embedded.KafkaBootstrap;
import dev.idvstreams.embedded.KafkaExtension;
import dev.idvstreams.jsonl.RequestJson;
import dev.idvstreams.serde.AvroSerde;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(KafkaExtension.class)
class ProduceCommandIT {

  private static final List<String> LINES = List.of(
    "{\"bizId\":\"b-1\",\"requestedAt\":\"2026-01-31T09:30:00Z\",\"source\":\"onboarding\",\"userId\":\"u1\","
      + "\"credential\":{\"credType\":\"03\",\"credName\":\"0301\",\"image\":{\"url\":\"https://img.example/c.jpg\"}}}",
    "{\"bizId\":\"b-2\",\"requestedAt\":\"2026-01-31T09:30:01Z\",\"material\":{\"bizType\":\"RPMinTest\",\"name\":\"Zhang Wei\","
      + "\"idCardNumber\":\"023432189011231236\",\"faceImage\":{\"url\":\"https://img.example/f.jpg\"},"
      + "\"idCardFrontImage\":{\"base64\":\"/9j/AAEC\"}}}",
    "{\"bizId\":\"b-3\",\"requestedAt\":\"2026-01-31T09:30:02Z\",\"face\":{\"resourceCode\":\"00840000\","
      + "\"refFace\":{\"base64\":\"/9j/AAEC\"},\"authFace\":{\"url\":\"https://img.example/a.jpg\"}}}");

  @TempDir
  Path dir;

  @Test
  void shouldPublishEveryLineKeyedByBizId(KafkaBootstrap kafka) throws Exception {
    OperatorTool tool = new OperatorTool(kafka, dir, 2);
    tool.createTopics(2);
    Path file = Files.writeString(dir.resolve("requests.jsonl"), String.join("\n", LINES) + "\n");

    OperatorTool.Run run = tool.run("produce", "--file", file.toString());

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(run.out()).contains("sent 3 request(s) to " + tool.requestsTopic + "; invalid lines: 0, failed to send: 0");
    assertThat(decoded(tool)).containsExactlyInAnyOrderElementsOf(expected(LINES));
    assertThat(tool.readAll(tool.requestsTopic)).allSatisfy(r -> assertThat(r.key()).isEqualTo(decode(tool, r).getBizId()));
  }

  @Test
  void shouldSendNothingWhenALineIsInvalidUnlessAskedToSkipIt(KafkaBootstrap kafka) throws Exception {
    OperatorTool tool = new OperatorTool(kafka, dir, 2);
    tool.createTopics(2);
    Path file = Files.writeString(dir.resolve("mixed.jsonl"),
      LINES.get(0) + "\n{\"bizId\":\"b-9\",\"material\":{\"name\":\"Zhang Wei\"}}\n" + LINES.get(2) + "\n");

    OperatorTool.Run refused = tool.run("produce", "--file", file.toString());

    assertThat(refused.exitCode()).isEqualTo(1);
    assertThat(refused.err()).contains("line 2: material.bizType is required").doesNotContain("Zhang");
    assertThat(refused.out()).contains("sent 0 requests: 1 invalid line(s), nothing sent");
    assertThat(tool.readAll(tool.requestsTopic)).isEmpty();

    OperatorTool.Run skipped = tool.run("produce", "--file", file.toString(), "--skip-invalid");

    assertThat(skipped.exitCode()).isEqualTo(1);
    assertThat(skipped.err()).contains("line 2: material.bizType is required");
    assertThat(skipped.out()).contains("sent 2 request(s) to " + tool.requestsTopic + "; invalid lines: 1, failed to send: 0");
    assertThat(decoded(tool)).containsExactlyInAnyOrderElementsOf(expected(List.of(LINES.get(0), LINES.get(2))));
  }

  @Test
  void shouldReadStandardInput(KafkaBootstrap kafka) throws Exception {
    OperatorTool tool = new OperatorTool(kafka, dir, 1);
    tool.createTopics(1);
    InputStream stdin = System.in;
    OperatorTool.Run run;
    try {
      System.setIn(new ByteArrayInputStream(LINES.get(2).getBytes(StandardCharsets.UTF_8)));
      run = tool.run("produce", "--file", "-");
    } finally {
      System.setIn(stdin);
    }

    assertThat(run.exitCode()).as(run.err()).isZero();
    assertThat(decoded(tool)).containsExactlyElementsOf(expected(List.of(LINES.get(2))));
  }

  @Test
  void shouldSendNothingAndSaySoWhenTheRegistryCannotBeReached(KafkaBootstrap kafka) throws Exception {
    OperatorTool tool = new OperatorTool(kafka, dir, 1);
    tool.createTopics(1);
    tool.set("schema.registry.url", "http://127.0.0.1:1");
    Path file = Files.writeString(dir.resolve("requests.jsonl"), String.join("\n", LINES));

    OperatorTool.Run run = tool.run("produce", "--file", file.toString());

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.err()).contains("line 1: not sent: ").contains("line 2: not sent: not attempted after line 1 failed")
      .contains("line 3: not sent: not attempted after line 1 failed");
    assertThat(run.out()).contains("sent 0 request(s) to " + tool.requestsTopic + "; invalid lines: 0, failed to send: 3");
    assertThat(tool.readAll(tool.requestsTopic)).isEmpty();
  }

  private static List<VerificationRequest> decoded(OperatorTool tool) {
    return tool.readAll(tool.requestsTopic).stream().map(r -> decode(tool, r)).toList();
  }

  private static VerificationRequest decode(OperatorTool tool, ConsumerRecord<String, byte[]> record) {
    return AvroSerde.forValues(VerificationRequest.class, tool.registry).deserialize(record.topic(), record.value());
  }

  private static List<VerificationRequest> expected(List<String> lines) throws Exception {
    RequestJson json = new RequestJson(Clock.systemUTC());
    List<VerificationRequest> requests = new java.util.ArrayList<>();
    for (String line : lines) {
      requests.add(json.parse(line));
    }
    return requests;
  }
}
