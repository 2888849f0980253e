package dev.idvstreams.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idvstreams.avro.DeadLetter;
import dev.idvstreams.avro.VerificationRequest;
import dev.idvstreams.avro.VerificationResult;
import dev.idvstreams.demo.DemoBatch;
import dev.idvstreams.embedded.KafkaBootstrap;
import dev.idvstreams.embedded.KafkaExtension;
import dev.idvstreams.simulator.SimulatorOptions;
import dev.idvstreams.topology.DeadLetterHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The W3C trace context and the configured headers travel from each request to its result or dead
 * letter: through the re-key step and past it, to replayed results, from every stage that
 * dead-letters; every other header stays behind. The real processor, the broker, the simulator
 * over HTTP.
 */
@ExtendWith(KafkaExtension.class)
class TraceHeadersIT {

  private static final Duration TIMEOUT = Duration.ofSeconds(90);

  private static String traceparent(int n) {
    return String.format("00-%032x-%016x-01", n, n);
  }

  private static ProducerRecord<String, byte[]> withHeaders(ProducerRecord<String, byte[]> record, String key, int n) {
    ProducerRecord<String, byte[]> out = new ProducerRecord<>(record.topic(), key, record.value());
    out.headers().add("traceparent", traceparent(n).getBytes(StandardCharsets.UTF_8));
    out.headers().add("Correlation-ID", ("corr-" + n).getBytes(StandardCharsets.UTF_8));
    out.headers().add("x-internal-routing", "stays behind".getBytes(StandardCharsets.UTF_8));
    return out;
  }

  private static String header(ConsumerRecord<String, ?> record, String key) {
    Header header = record.headers().lastHeader(key);
    return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
  }

  @Test
  void shouldCarryTraceContextFromEachRequestToItsResultOrDeadLetter(KafkaBootstrap kafka) throws Exception {
    Map<String, String> config = new HashMap<>(Map.of("qps.credential-verify-intl", "50", "qps.verify-material", "50",
        "qps.face-verify", "50", "topic.requests.keyed-by-bizid", "true", "headers.carried", "correlation-id"));
    try (PipelineHarness it = new PipelineHarness(kafka, SimulatorOptions.builder().latency(Duration.ofMillis(300),
        Duration.ZERO), null, config)) {
      it.startProcessor();
      VerificationRequest keyed = DemoBatch.credential("tr-1", "clean");
      VerificationRequest rekeyed = DemoBatch.face("tr-2", "ok");
      VerificationRequest invalid = DemoBatch.credential("t".repeat(65), "clean");
      VerificationRequest conflicting = DemoBatch.credential("tr-1", "other");
      it.send(List.of(
          withHeaders(it.record(keyed), "tr-1", 1),                 // keyed by its bizId: no re-key
          withHeaders(it.record(rekeyed), "some-other-key", 2),     // re-keyed through the repartition topic
          withHeaders(it.record(keyed), "tr-1", 3),                 // parked while tr-1's call is in flight
          withHeaders(it.record(rekeyed), "yet-another-key", 4),    // parked, re-keyed
          withHeaders(it.record(invalid), "k-5", 5),                // VALIDATION, before the re-key
          withHeaders(it.record(conflicting), "k-6", 6),            // DEDUP_CONFLICT, after the re-key
          withHeaders(new ProducerRecord<>(it.requestsTopic, "k-7", new byte[] {7, 7, 7}), "k-7", 7))); // DECODE
      PipelineHarness.Events first = it.awaitEvents(7, TIMEOUT);
      // answered from the store, after the results: replayed results
      it.send(List.of(withHeaders(it.record(keyed), "tr-1", 8), withHeaders(it.record(rekeyed), "other", 9)));
      PipelineHarness.Events all = it.awaitEvents(9, TIMEOUT);

      assertThat(first.total()).isEqualTo(7);
      Map<String, ConsumerRecord<String, VerificationResult>> results = all.resultRecords().stream()
          .collect(Collectors.toMap(r -> header(r, "traceparent"), Function.identity()));
      assertThat(results.keySet()).containsExactlyInAnyOrder(traceparent(1), traceparent(2), traceparent(3),
          traceparent(4), traceparent(8), traceparent(9));
      // tr-1's two records share a key and a partition, so the first is called and the second is
      // the duplicate; tr-2's, keyed otherwise, reach the repartition topic in either order
      assertThat(results.get(traceparent(1)).value().getReplayed()).isFalse();
      assertThat(results.get(traceparent(3)).value().getReplayed()).isTrue();
      assertThat(List.of(results.get(traceparent(2)).value().getReplayed(), results.get(traceparent(4)).value()
          .getReplayed())).as("tr-2: one call, one duplicate").containsExactlyInAnyOrder(false, true);
      for (int n : new int[] {8, 9}) {
        assertThat(results.get(traceparent(n)).value().getReplayed()).as("request %d", n).isTrue();
      }
      results.forEach((trace, r) -> {
        int n = Integer.parseInt(trace.substring(3, 35), 16);
        assertThat(header(r, "Correlation-ID")).as("the configured header, its name as written").isEqualTo("corr-" + n);
        assertThat(header(r, "x-internal-routing")).as("a header not carried").isNull();
      });

      Map<String, ConsumerRecord<String, DeadLetter>> letters = all.deadLetters().stream()
          .collect(Collectors.toMap(r -> r.value().getStage().name(), Function.identity()));
      assertThat(letters.keySet()).containsExactlyInAnyOrder("VALIDATION", "DEDUP_CONFLICT", "DECODE");
      assertThat(header(letters.get("VALIDATION"), "traceparent")).isEqualTo(traceparent(5));
      assertThat(header(letters.get("DEDUP_CONFLICT"), "traceparent")).isEqualTo(traceparent(6));
      assertThat(header(letters.get("DECODE"), "traceparent")).isEqualTo(traceparent(7));
      letters.values().forEach(letter -> {
        assertThat(header(letter, DeadLetterHeaders.STAGE)).as("the dead-letter headers stay").isNotNull();
        assertThat(header(letter, "x-internal-routing")).isNull();
      });
    }
  }
}
