package dev.idvstreams.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import dev.idvstreams.avro.CheckType;
import dev.idvstreams.avro.CredentialCheck;
import dev.idvstreams.avro.DeadLetter;
import dev.idvstreams.avro.DeadLetterStage;
import dev.idvstreams.avro.Image;
import dev.idvstreams.avro.Outcome;
import dev.idvstreams.avro.VerificationRequest;
import dev.idvstreams.avro.VerificationResult;
import dev.idvstreams.embedded.KafkaBootstrap;
import dev.idvstreams.embedded.KafkaExtension;
import dev.idvstreams.jsonl.RequestJson;
import dev.idvstreams.serde.AvroSerde;
import dev.idvstreams.topology.DeadLetterHeaders;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

@ExtendWith(KafkaExtension.class)
class ConsumeCommandIT {

  @TempDir
  Path dir;

  @Test
  void shouldPrintTheDeadLettersAndResultsThatWereWritten(KafkaBootstrap kafka) throws Exception {
    OperatorTool tool = new OperatorTool(kafka, dir, 1);
    tool.createTopics(1);
    VerificationRequest request = VerificationRequest.newBuilder().setBizId("b-1").setRequestedAt(Instant.parse("2026-01-31T09:30:00Z"))
      .setCheck(CredentialCheck.newBuilder().setCredType("03").setCredName("0301")
        .setImage(Image.newBuilder().setUrl("https://img.example/c.jpg").build()).build()).build();
    DeadLetter letter = DeadLetter.newBuilder().setBizId("b-1").setStage(DeadLetterStage.VALIDATION).setErrorCode("IMAGE_FORMAT")
      .setErrorMessage("image is GIF").setFailedAt(Instant.parse("2026-01-31T09:30:01Z"))
      .setTopic(tool.requestsTopic).setPartition(0).setOffset(5L).setRequest(request).build();
    tool.send(tool.dlqTopic, "b-1", AvroSerde.forValues(DeadLetter.class, tool.registry).serialize(tool.dlqTopic, letter),
      DeadLetterHeaders.of("x.Validator", letter));
    List<String> bizIds = new ArrayList<>();
    for (Outcome outcome : List.of(Outcome.PASS, Outcome.FAIL)) {
      String bizId = "r-" + outcome;
      bizIds.add(bizId);
      VerificationResult result = VerificationResult.newBuilder().setBizId(bizId).setCheckType(CheckType.CREDENTIAL)
        .setOutcome(outcome).setAttempts(1).setRequestedAt(Instant.parse("2026-01-31T09:30:00Z"))
        .setCompletedAt(Instant.parse("2026-01-31T09:30:02Z")).build();
      tool.send(tool.resultsTopic, bizId, AvroSerde.forValues(VerificationResult.class, tool.registry)
        .serialize(tool.resultsTopic, result), new RecordHeaders());
    }

    OperatorTool.Run deadLetters = tool.run("consume", "--topic", tool.dlqTopic, "--from-beginning", "--max", "1",
      "--timeout-ms", "30000");

    assertThat(deadLetters.exitCode()).as(deadLetters.err()).isZero();
    assertThat(deadLetters.outLines()).hasSize(1);
    JsonNode line = RequestJson.JSON.readTree(deadLetters.outLines().get(0));
    assertThat(line.get("topic").asText()).isEqualTo(tool.dlqTopic);
    assertThat(line.get("offset").asLong()).isZero();
    assertThat(line.get("key").asText()).isEqualTo("b-1");
    assertThat(line.get("headers").get(DeadLetterHeaders.STAGE).asText()).isEqualTo("VALIDATION");
    assertThat(line.get("headers").get(DeadLetterHeaders.TOPIC).asText()).isEqualTo(tool.requestsTopic);
    assertThat(line.get("value").get("stage").asText()).isEqualTo("VALIDATION");
    assertThat(line.get("value").get("errorCode").asText()).isEqualTo("IMAGE_FORMAT");
    assertThat(line.get("value").get("errorMessage").asText()).isEqualTo("image is GIF");
    assertThat(line.get("value").get("offset").asLong()).isEqualTo(5);
    assertThat(line.get("value").get("request")).isEqualTo(RequestJson.toJson(request));
    assertThat(deadLetters.err()).contains("consumed 1 record(s) from " + tool.dlqTopic);

    OperatorTool.Run results = tool.run("consume", "--topic", tool.resultsTopic, "--from-beginning", "--max", "2",
      "--timeout-ms", "30000");

    assertThat(results.exitCode()).as(results.err()).isZero();
    List<String> printed = new ArrayList<>();
    for (String json : results.outLines()) {
      JsonNode result = RequestJson.JSON.readTree(json).get("value");
      printed.add(result.get("bizId").asText() + " " + result.get("outcome").asText());
    }
    assertThat(printed).containsExactly("r-PASS PASS", "r-FAIL FAIL");
  }

  @Test
  void shouldStopWhenIdleAndSayThatMaxWasNotReached(KafkaBootstrap kafka) throws Exception {
    OperatorTool tool = new OperatorTool(kafka, dir, 2);
    tool.createTopics(2);

    OperatorTool.Run run = tool.run("consume", "--topic", tool.resultsTopic, "--from-beginning", "--max", "1", "--timeout-ms", "500");

    assertThat(run.exitCode()).isEqualTo(1);
    assertThat(run.out()).isEmpty();
    assertThat(run.err()).contains("consumed 0 record(s) from " + tool.resultsTopic);
  }

  @Test
  void shouldRefuseAMissingOrUnconfiguredTopic(KafkaBootstrap kafka) throws Exception {
    OperatorTool tool = new OperatorTool(kafka, dir, 1);

    OperatorTool.Run missing = tool.run("consume", "--topic", tool.resultsTopic, "--timeout-ms", "500");
    OperatorTool.Run other = tool.run("consume", "--topic", "somebody-elses-topic");

    assertThat(missing.exitCode()).isEqualTo(1);
    assertThat(missing.err()).contains("topic " + tool.resultsTopic + " does not exist");
    assertThat(other.exitCode()).isEqualTo(1);
    assertThat(other.err()).contains("topic somebody-elses-topic is none of the configured");
  }
}
