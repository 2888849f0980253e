package dev.idvstreams.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idvstreams.avro.CheckType;
import dev.idvstreams.avro.DeadLetterStage;
import dev.idvstreams.avro.Outcome;
import dev.idvstreams.api.Api;
import dev.idvstreams.async.FailureKind;
import dev.idvstreams.topology.SkipReason;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class IdvMetricsTest {

  private final SimpleMeterRegistry registry = new SimpleMeterRegistry();
  private final IdvMetrics metrics = new IdvMetrics(registry);

  @Test
  void shouldRegisterEveryResultAndDeadLetterSeriesAtZero() {
    assertThat(registry.find(IdvMetrics.RESULTS).counters())
        .hasSize(CheckType.values().length * Outcome.values().length)
        .allSatisfy(counter -> assertThat(counter.count()).isZero());
    assertThat(registry.find(IdvMetrics.DEAD_LETTERS).counters()).hasSize(DeadLetterStage.values().length);
  }

  @Test
  void shouldCountResultsByCheckTypeAndOutcome() {
    metrics.resultPublished(CheckType.FACE, Outcome.PASS);
    metrics.resultPublished(CheckType.FACE, Outcome.PASS);
    metrics.resultPublished(CheckType.MATERIAL, Outcome.INPUT_REJECTED);

    assertThat(registry.get(IdvMetrics.RESULTS).tags("check.type", "FACE", "outcome", "PASS").counter().count())
        .isEqualTo(2);
    assertThat(registry.get(IdvMetrics.RESULTS).tags("check.type", "MATERIAL", "outcome", "INPUT_REJECTED")
        .counter().count()).isEqualTo(1);
    assertThat(registry.get(IdvMetrics.RESULTS).tags("check.type", "FACE", "outcome", "FAIL").counter().count())
        .isZero();
  }

  @Test
  void shouldTimeResultsFromTheirRequestAndNeverFailOnAProducersClock() {
    ProcessorMetrics listener = new ProcessorMetrics(metrics);
    java.util.function.LongFunction<dev.idvstreams.avro.VerificationResult> result = requestedAt ->
        dev.idvstreams.avro.VerificationResult.newBuilder().setBizId("b").setCheckType(CheckType.FACE)
            .setOutcome(Outcome.PASS).setAttempts(1).setRequestedAt(java.time.Instant.ofEpochMilli(requestedAt))
            .setCompletedAt(java.time.Instant.now()).build();

    listener.published(result.apply(System.currentTimeMillis() - 2_000));
    listener.published(result.apply(Long.MIN_VALUE)); // the difference overflows
    listener.published(result.apply(Long.MAX_VALUE)); // in the future
    listener.published(result.apply(-1));

    io.micrometer.core.instrument.Timer latency = registry.get(IdvMetrics.REQUEST_LATENCY).tag("check.type", "FACE").timer();
    assertThat(latency.count()).as("only the result with a request time before now").isEqualTo(1);
    assertThat(latency.totalTime(java.util.concurrent.TimeUnit.MILLISECONDS)).isBetween(2_000.0, 60_000.0);
    assertThat(registry.get(IdvMetrics.RESULTS).tags("check.type", "FACE", "outcome", "PASS").counter().count())
        .as("every result counted").isEqualTo(4);
  }

  @Test
  void shouldCountDeadLettersByStage() {
    metrics.deadLettered(DeadLetterStage.DECODE);

    assertThat(registry.get(IdvMetrics.DEAD_LETTERS).tag("stage", "DECODE").counter().count()).isEqualTo(1);
    assertThat(registry.get(IdvMetrics.DEAD_LETTERS).tag("stage", "PROVIDER").counter().count()).isZero();
  }

  @Test
  void shouldTimeApiCallsBySuccessOrErrorClass() {
    metrics.apiCallSucceeded(Api.FACE_VERIFY, Duration.ofMillis(40));
    metrics.apiCallFailed(Api.FACE_VERIFY, FailureKind.THROTTLED, Duration.ofMillis(10));
    metrics.apiCallFailed(Api.FACE_VERIFY, FailureKind.THROTTLED, Duration.ofMillis(20));

    assertThat(registry.get(IdvMetrics.API_CALLS).tags("api", "face-verify", "outcome", "SUCCESS").timer().count())
        .isEqualTo(1);
    assertThat(registry.get(IdvMetrics.API_CALLS).tags("api", "face-verify", "outcome", "THROTTLED").timer()
        .totalTime(java.util.concurrent.TimeUnit.MILLISECONDS)).isEqualTo(30);
  }

  @Test
  void shouldCountRetriesAndDedupEvents() {
    metrics.retryScheduled(Api.VERIFY_MATERIAL);
    metrics.dedupReplayed();
    metrics.dedupParked();
    metrics.dedupParked();
    metrics.dedupConflict();

    assertThat(registry.get(IdvMetrics.API_RETRIES).tag("api", "verify-material").counter().count()).isEqualTo(1);
    assertThat(registry.get(IdvMetrics.API_RETRIES).tag("api", "face-verify").counter().count()).isZero();
    assertThat(registry.get(IdvMetrics.DEDUP_REPLAYS).counter().count()).isEqualTo(1);
    assertThat(registry.get(IdvMetrics.DEDUP_PARKED).counter().count()).isEqualTo(2);
    assertThat(registry.get(IdvMetrics.DEDUP_CONFLICTS).counter().count()).isEqualTo(1);
  }

  @Test
  void shouldShowTheLatestValueOfEachGaugePerApi() {
    metrics.setInFlight(Api.CREDENTIAL_VERIFY_INTL, 7);
    metrics.setInFlight(Api.CREDENTIAL_VERIFY_INTL, 3);
    metrics.setPermittedRate(Api.CREDENTIAL_VERIFY_INTL, 2.5);
    metrics.setBreakerOpen(Api.VERIFY_MATERIAL, true);

    assertThat(gauge(IdvMetrics.API_IN_FLIGHT, Api.CREDENTIAL_VERIFY_INTL)).isEqualTo(3);
    assertThat(gauge(IdvMetrics.API_IN_FLIGHT, Api.FACE_VERIFY)).isZero();
    assertThat(gauge(IdvMetrics.API_PERMITTED_RATE, Api.CREDENTIAL_VERIFY_INTL)).isEqualTo(2.5);
    assertThat(gauge(IdvMetrics.API_PERMITTED_RATE, Api.FACE_VERIFY)).isNaN();
    assertThat(gauge(IdvMetrics.API_BREAKER_OPEN, Api.VERIFY_MATERIAL)).isEqualTo(1);
    assertThat(gauge(IdvMetrics.API_BREAKER_OPEN, Api.FACE_VERIFY)).isZero();

    metrics.setBreakerOpen(Api.VERIFY_MATERIAL, false);
    assertThat(gauge(IdvMetrics.API_BREAKER_OPEN, Api.VERIFY_MATERIAL)).isZero();
  }

  @Test
  void shouldTagOnlyWithValuesFromClosedSets() {
    metrics.apiCallFailed(Api.VERIFY_MATERIAL, FailureKind.ACCOUNT, Duration.ofMillis(1));
    Set<String> closedSet = Stream.of(
            Arrays.stream(CheckType.values()).map(Enum::name),
            Arrays.stream(Outcome.values()).map(Enum::name),
            Arrays.stream(DeadLetterStage.values()).map(Enum::name),
            Arrays.stream(FailureKind.values()).map(Enum::name),
            Arrays.stream(SkipReason.values()).map(Enum::name),
            Arrays.stream(Api.values()).map(Api::id),
            Stream.of(IdvMetrics.SUCCESS))
        .flatMap(names -> names)
        .collect(Collectors.toSet());

    Set<String> tagValues = registry.getMeters().stream()
        .filter(meter -> meter.getId().getName().startsWith("idv."))
        .map(Meter::getId)
        .flatMap(id -> id.getTags().stream())
        .map(Tag::getValue)
        .collect(Collectors.toSet());

    assertThat(tagValues).isNotEmpty().isSubsetOf(closedSet);
  }

  @Test
  void shouldBindTheKafkaStreamsClientMetrics(@TempDir Path stateDir) {
    StreamsBuilder builder = new StreamsBuilder();
    builder.stream("in").to("out");
    KafkaStreams streams = new KafkaStreams(builder.build(), new StreamsConfig(Map.of(
        StreamsConfig.APPLICATION_ID_CONFIG, "idv-metrics-test",
        StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:9",
        StreamsConfig.STATE_DIR_CONFIG, stateDir.toString())));
    KafkaStreamsMetrics binder = metrics.bindKafkaStreams(streams);
    try {
      assertThat(registry.getMeters())
          .anyMatch(meter -> meter.getId().getName().startsWith("kafka.stream."));
    } finally {
      binder.close();
      streams.close(Duration.ofSeconds(10));
    }
  }

  private double gauge(String name, Api api) {
    return registry.get(name).tag("api", api.id()).gauge().value();
  }
}
