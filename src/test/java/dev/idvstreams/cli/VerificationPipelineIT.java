package dev.idvstreams.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idvstreams.api.Api;
import dev.idvstreams.aliyun.ErrorClass;
import dev.idvstreams.avro.CheckType;
import dev.idvstreams.avro.DeadLetter;
import dev.idvstreams.avro.DeadLetterStage;
import dev.idvstreams.avro.Outcome;
import dev.idvstreams.avro.VerificationRequest;
import dev.idvstreams.avro.VerificationResult;
import dev.idvstreams.demo.DemoBatch;
import dev.idvstreams.embedded.KafkaBootstrap;
import dev.idvstreams.embedded.KafkaExtension;
import dev.idvstreams.simulator.AccountState;
import dev.idvstreams.simulator.ApiStats;
import dev.idvstreams.simulator.SimulatorOptions;
import dev.idvstreams.topology.DeadLetterHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The processor end to end: a real broker, the simulator over HTTP, the real processor. One test
 * per behaviour of issue 4 (the crash test runs separate processes: ProcessorCrashIT).
 */
@ExtendWith(KafkaExtension.class)
class VerificationPipelineIT {

  private static final Duration TIMEOUT = Duration.ofSeconds(120);

  private static SimulatorOptions.Builder simulator(int qps) {
    SimulatorOptions.Builder options = SimulatorOptions.builder().latency(Duration.ofMillis(20), Duration.ofMillis(20));
    for (Api api : Api.values()) {
      options.qps(api, qps);
    }
    return options;
  }

  private static Map<String, String> limits(int qps) {
    return Map.of("qps.credential-verify-intl", String.valueOf(qps), "qps.verify-material", String.valueOf(qps),
      "qps.face-verify", String.valueOf(qps));
  }

  private static long total(Map<Api, ApiStats.Snapshot> stats, Function<ApiStats.Snapshot, Long> field) {
    return stats.values().stream().mapToLong(field::apply).sum();
  }

  @Test
  void shouldEndEveryRequestExactlyOnceAndNeverCallForExactDuplicates(KafkaBootstrap kafka) throws Exception {
    try (PipelineHarness it = new PipelineHarness(kafka, simulator(50), null, limits(50))) {
      it.startProcessor();
      List<VerificationRequest> originals = new ArrayList<>();
      String[] credential = {"clean", "sim-risk-PS", "sim-error-UnqualifiedPhoto"};
      String[] material = {"sim-status-1", "sim-status-6", "sim-error-NoFaceDetected"};
      String[] face = {"ok", "sim-spoof", "sim-mismatch"};
      for (int i = 0; i < 9; i++) {
        originals.add(DemoBatch.credential("c-" + i, credential[i % 3]));
        originals.add(DemoBatch.material("m-" + i, material[i % 3]));
        originals.add(DemoBatch.face("f-" + i, face[i % 3]));
      }
      List<ProducerRecord<String, byte[]>> batch = new ArrayList<>();
      for (VerificationRequest request : originals) {
        batch.add(it.record(request));
      }
      // exact duplicates right behind their originals (parked while in flight) ...
      for (int i = 0; i < 6; i++) {
        batch.add(it.record(originals.get(i)));
      }
      // ... a conflict and an invalid request
      batch.add(it.record(DemoBatch.credential("c-0", "something-else")));
      batch.add(it.record(DemoBatch.credential("b".repeat(65), "clean")));
      it.send(batch);
      PipelineHarness.Events first = it.awaitEvents(batch.size(), TIMEOUT);

      // ... and the same duplicates again once everything is answered: from the store
      List<ProducerRecord<String, byte[]>> late = new ArrayList<>();
      for (int i = 0; i < 6; i++) {
        late.add(it.record(originals.get(i)));
      }
      it.send(late);
      PipelineHarness.Events events = it.awaitEvents(batch.size() + late.size(), TIMEOUT);

      assertThat(events.total()).isEqualTo(batch.size() + late.size());
      assertThat(first.total()).isEqualTo(batch.size());
      Map<String, Long> perBizId = events.results().stream().collect(Collectors.groupingBy(VerificationResult::getBizId, Collectors.counting()));
      for (int i = 0; i < originals.size(); i++) {
        long expected = 1 + (i < 6 ? 2 : 0);
        assertThat(perBizId.get(originals.get(i).getBizId())).as(originals.get(i).getBizId()).isEqualTo(expected);
      }
      assertThat(events.deadLetters()).extracting(r -> r.value().getStage())
        .containsExactlyInAnyOrder(DeadLetterStage.DEDUP_CONFLICT, DeadLetterStage.VALIDATION);

      // exact duplicates never reached the API: one call per distinct request
      assertThat(total(it.simulator.stats(), ApiStats.Snapshot::calls)).isEqualTo(originals.size());

      // a replayed result equals the original but for `replayed`
      Map<String, List<VerificationResult>> byBizId = events.results().stream().collect(Collectors.groupingBy(VerificationResult::getBizId));
      for (int i = 0; i < 6; i++) {
        List<VerificationResult> answers = byBizId.get(originals.get(i).getBizId());
        VerificationResult original = answers.stream().filter(r -> !r.getReplayed()).findFirst().orElseThrow();
        assertThat(answers.stream().filter(VerificationResult::getReplayed)).hasSize(2)
          .allSatisfy(replay -> assertThat(VerificationResult.newBuilder(replay).setReplayed(false).build()).isEqualTo(original));
      }
      // the outcomes the simulator's markers ask for
      assertThat(byBizId.get("c-0").get(0).getOutcome()).isEqualTo(Outcome.PASS);
      assertThat(byBizId.get("c-1").get(0).getOutcome()).isEqualTo(Outcome.REVIEW);
      assertThat(byBizId.get("c-2").get(0).getOutcome()).isEqualTo(Outcome.INPUT_REJECTED);
      assertThat(byBizId.get("c-2").get(0).getReasonCode()).isEqualTo("UnqualifiedPhoto");
      assertThat(byBizId.get("m-0").get(0).getOutcome()).isEqualTo(Outcome.PASS);
      assertThat(byBizId.get("m-1").get(0).getOutcome()).isEqualTo(Outcome.FAIL);
      assertThat(byBizId.get("m-1").get(0).getReasonCode()).isEqualTo("VerifyStatus.6");
      assertThat(byBizId.get("f-0").get(0).getOutcome()).isEqualTo(Outcome.PASS);
      assertThat(byBizId.get("f-1").get(0).getReason()).isEqualTo("spoofing attack detected");
      assertThat(byBizId.get("f-2").get(0).getOutcome()).isEqualTo(Outcome.FAIL);
    }
  }

  @Test
  void shouldUseTheQpsLimitWithoutEverExceedingIt(KafkaBootstrap kafka) throws Exception {
    int limit = 20;
    int requests = 300;
    SimulatorOptions.Builder sim = SimulatorOptions.builder().latency(Duration.ofMillis(50), Duration.ZERO)
      .qps(Api.CREDENTIAL_VERIFY_INTL, limit);
    try (PipelineHarness it = new PipelineHarness(kafka, sim, null, Map.of("qps.credential-verify-intl", String.valueOf(limit)))) {
      it.startProcessor();
      List<VerificationRequest> batch = new ArrayList<>();
      for (int i = 0; i < requests; i++) {
        batch.add(DemoBatch.credential("rate-" + i, "clean"));
      }
      it.sendRequests(batch);
      PipelineHarness.Events events = it.awaitEvents(requests, TIMEOUT);

      ApiStats.Snapshot stats = it.simulator.stats().get(Api.CREDENTIAL_VERIFY_INTL);
      assertThat(events.results()).hasSize(requests);
      assertThat(stats.throttled()).as("throttled answers").isZero();
      assertThat(stats.maxCallsInAnyOneSecondWindow()).as("calls in the busiest 1-second window").isLessThanOrEqualTo(limit);
      assertThat(stats.calls()).isEqualTo(requests);

      Instant first = events.results().stream().map(VerificationResult::getCompletedAt).min(Instant::compareTo).orElseThrow();
      Instant last = events.results().stream().map(VerificationResult::getCompletedAt).max(Instant::compareTo).orElseThrow();
      double seconds = Duration.between(first, last).toMillis() / 1000.0;
      double rate = (requests - 1) / seconds;
      // the limiter does not cheat (no more than the limit) and does not waste it (at least 0.9 of it)
      assertThat(rate).as("completions per second over %.1f s", seconds).isLessThanOrEqualTo(limit).isGreaterThanOrEqualTo(0.9 * limit);
    }
  }

  @Test
  void shouldHoldRequestsWhileTheAccountIsInDebtAndCompleteThemAfter(KafkaBootstrap kafka) throws Exception {
    try (PipelineHarness it = new PipelineHarness(kafka, simulator(20), null, limits(20))) {
      it.simulator.accountState(Api.VERIFY_MATERIAL, AccountState.IN_DEBT);
      it.startProcessor();
      List<VerificationRequest> batch = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        batch.add(DemoBatch.material("debt-" + i, "sim-status-1"));
      }
      it.sendRequests(batch);
      Awaitility.await().atMost(TIMEOUT).until(() -> it.simulator.stats().get(Api.VERIFY_MATERIAL).calls() > 0);
      Instant debtEnds = Instant.now().plusSeconds(10);
      Awaitility.await().atMost(Duration.ofSeconds(20)).pollInterval(Duration.ofMillis(100))
        .until(() -> Instant.now().isAfter(debtEnds)); // the outage lasts 10 s
      ApiStats.Snapshot during = it.simulator.stats().get(Api.VERIFY_MATERIAL);
      it.simulator.accountState(Api.VERIFY_MATERIAL, AccountState.OK);

      PipelineHarness.Events events = it.awaitEvents(batch.size(), TIMEOUT);
      assertThat(events.deadLetters()).isEmpty();
      assertThat(events.results()).hasSize(batch.size()).allSatisfy(r -> assertThat(r.getOutcome()).isEqualTo(Outcome.PASS));
      // held, not hammered: the calls that left before the first answer opened the breaker, then one
      // probe per interval (1 s, growing to 2 s) over the 10 s outage
      assertThat(during.calls()).isLessThanOrEqualTo(1 + 10 + 1);
    }
  }

  @Test
  void shouldCompleteEveryRequestDespiteThirtyPercentTransientErrors(KafkaBootstrap kafka) throws Exception {
    SimulatorOptions.Builder sim = simulator(50).errorRate(ErrorClass.TRANSIENT, 0.3);
    try (PipelineHarness it = new PipelineHarness(kafka, sim, null, Map.of("qps.credential-verify-intl", "50",
        "qps.verify-material", "50", "qps.face-verify", "50", "retry.max-attempts", "15"))) {
      it.startProcessor();
      List<VerificationRequest> batch = new ArrayList<>();
      for (int i = 0; i < 20; i++) {
        batch.add(DemoBatch.credential("t-c-" + i, "clean"));
        batch.add(DemoBatch.material("t-m-" + i, "sim-status-1"));
        batch.add(DemoBatch.face("t-f-" + i, "ok"));
      }
      it.sendRequests(batch);
      PipelineHarness.Events events = it.awaitEvents(batch.size(), TIMEOUT);

      assertThat(events.deadLetters()).isEmpty();
      assertThat(events.results()).hasSize(batch.size()).allSatisfy(r -> assertThat(r.getOutcome()).isEqualTo(Outcome.PASS));
      int attempts = events.results().stream().mapToInt(VerificationResult::getAttempts).sum();
      assertThat(events.results()).anySatisfy(r -> assertThat(r.getAttempts()).isGreaterThan(1));
      // every call the API saw is an attempt recorded on a result
      assertThat((long) attempts).isEqualTo(total(it.simulator.stats(), ApiStats.Snapshot::calls));
    }
  }

  @Test
  void shouldDeadLetterUnreadableRecordsAtDecodeWhileTheRestFlows(KafkaBootstrap kafka) throws Exception {
    try (PipelineHarness it = new PipelineHarness(kafka, simulator(50), null, limits(50))) {
      it.startProcessor();
      byte[] garbage = "definitely not avro".getBytes(StandardCharsets.UTF_8);
      byte[] unknownId = {0, 0, 0, 0x30, 0x39, 2, 4, 6};
      List<ProducerRecord<String, byte[]>> batch = new ArrayList<>();
      batch.add(it.record(DemoBatch.credential("d-1", "clean")));
      batch.add(new ProducerRecord<>(it.requestsTopic, "d-2", garbage));
      batch.add(it.record(DemoBatch.face("d-3", "ok")));
      batch.add(new ProducerRecord<>(it.requestsTopic, "d-4", unknownId));
      batch.add(it.record(DemoBatch.material("d-5", "sim-status-1")));
      it.send(batch);
      PipelineHarness.Events events = it.awaitEvents(batch.size(), TIMEOUT);

      assertThat(events.results()).extracting(VerificationResult::getBizId).containsExactlyInAnyOrder("d-1", "d-3", "d-5");
      assertThat(events.deadLetters()).hasSize(2).allSatisfy(letter -> {
        assertThat(letter.value().getStage()).isEqualTo(DeadLetterStage.DECODE);
        assertThat(letter.key()).isNull();
        assertThat(header(letter, DeadLetterHeaders.TOPIC)).isEqualTo(it.requestsTopic);
        assertThat(header(letter, DeadLetterHeaders.STAGE)).isEqualTo("DECODE");
        assertThat(letter.headers().lastHeader(DeadLetterHeaders.EXCEPTION)).isNotNull();
        assertThat(letter.headers().lastHeader(DeadLetterHeaders.OFFSET)).isNotNull();
      });
      Map<String, DeadLetter> byCode = events.deadLetters().stream()
        .collect(Collectors.toMap(l -> l.value().getErrorCode(), ConsumerRecord::value));
      assertThat(byCode.get("UNKNOWN_MAGIC_BYTE").getRawValue().array()).isEqualTo(garbage);
      assertThat(byCode.get("UNKNOWN_SCHEMA_ID").getErrorMessage()).contains("unknown schema id 12345");
      assertThat(events.results()).extracting(VerificationResult::getCheckType)
        .containsExactlyInAnyOrder(CheckType.CREDENTIAL, CheckType.FACE, CheckType.MATERIAL);
    }
  }

  @Test
  void shouldDownloadFaceImagesGivenByUrlBeforeTheCall(KafkaBootstrap kafka) throws Exception {
    io.vertx.core.Vertx vertx = io.vertx.core.Vertx.vertx();
    io.vertx.core.http.HttpServer images = vertx.createHttpServer()
        .requestHandler(req -> {
          if (req.path().endsWith("missing.jpg")) {
            req.response().setStatusCode(404).end();
          } else {
            // the simulator reads its markers in the image bytes; the header must pass the image rules
            req.response().end(io.vertx.core.buffer.Buffer.buffer(
                dev.idvstreams.image.HeaderOnlyJpeg.of(640, 480, req.path())));
          }
        })
        .listen(0, "127.0.0.1").toCompletionStage().toCompletableFuture().get(10, java.util.concurrent.TimeUnit.SECONDS);
    String base = "http://127.0.0.1:" + images.actualPort();
    try (PipelineHarness it = new PipelineHarness(kafka, simulator(50), null, limits(50))) {
      it.startProcessor();
      it.sendRequests(List.of(face("u-1", base + "/ref.jpg", base + "/auth-sim-spoof.jpg"),
          face("u-2", base + "/ref.jpg", base + "/auth-ok.jpg"),
          face("u-3", base + "/ref.jpg", base + "/missing.jpg")));
      PipelineHarness.Events events = it.awaitEvents(3, TIMEOUT);

      Map<String, VerificationResult> byBizId = events.results().stream()
          .collect(Collectors.toMap(VerificationResult::getBizId, r -> r));
      assertThat(events.deadLetters()).isEmpty();
      assertThat(byBizId.get("u-1").getReason()).isEqualTo("spoofing attack detected");
      assertThat(byBizId.get("u-2").getOutcome()).isEqualTo(Outcome.PASS);
      assertThat(byBizId.get("u-3").getOutcome()).isEqualTo(Outcome.INPUT_REJECTED);
      assertThat(byBizId.get("u-3").getAttempts()).as("no API call for an image that cannot be had").isZero();
      assertThat(it.simulator.stats().get(Api.FACE_VERIFY).calls()).isEqualTo(2);
    } finally {
      vertx.close();
    }
  }

  private static VerificationRequest face(String bizId, String refUrl, String authUrl) {
    return VerificationRequest.newBuilder().setBizId(bizId).setRequestedAt(Instant.now())
        .setCheck(dev.idvstreams.avro.FaceCheck.newBuilder().setResourceCode("00840000")
            .setRefFace(dev.idvstreams.avro.Image.newBuilder().setUrl(refUrl).build())
            .setAuthFace(dev.idvstreams.avro.Image.newBuilder().setUrl(authUrl).build()).build())
        .build();
  }

  private static String header(ConsumerRecord<String, DeadLetter> record, String key) {
    return new String(record.headers().lastHeader(key).value(), StandardCharsets.UTF_8);
  }
}
