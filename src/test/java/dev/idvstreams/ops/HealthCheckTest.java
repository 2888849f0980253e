package dev.idvstreams.ops;

import static org.apache.kafka.streams.KafkaStreams.State.CREATED;
import static org.apache.kafka.streams.KafkaStreams.State.ERROR;
import static org.apache.kafka.streams.KafkaStreams.State.NOT_RUNNING;
import static org.apache.kafka.streams.KafkaStreams.State.PENDING_ERROR;
import static org.apache.kafka.streams.KafkaStreams.State.PENDING_SHUTDOWN;
import static org.apache.kafka.streams.KafkaStreams.State.REBALANCING;
import static org.apache.kafka.streams.KafkaStreams.State.RUNNING;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class HealthCheckTest {

  /** Expected liveness per state; a state Kafka adds later has no entry and fails the test. */
  private static final Map<KafkaStreams.State, Integer> LIVENESS = Map.of(
      CREATED, 200, REBALANCING, 200, RUNNING, 200, PENDING_SHUTDOWN, 200,
      NOT_RUNNING, 500, PENDING_ERROR, 500, ERROR, 500);

  private static final Map<KafkaStreams.State, Integer> READINESS = Map.of(
      CREATED, 503, REBALANCING, 503, RUNNING, 200, PENDING_SHUTDOWN, 503,
      NOT_RUNNING, 503, PENDING_ERROR, 503, ERROR, 503);

  @ParameterizedTest
  @EnumSource(KafkaStreams.State.class)
  void shouldFailLivenessOnlyWhenTheInstanceWillNeverProcessAgain(KafkaStreams.State state) {
    HealthCheck.Probe probe = new HealthCheck(() -> state).liveness();

    assertThat(probe.status()).isEqualTo(LIVENESS.get(state));
    assertThat(probe.state()).isEqualTo(state.name());
  }

  @ParameterizedTest
  @EnumSource(KafkaStreams.State.class)
  void shouldBeReadyOnlyWhenRunning(KafkaStreams.State state) {
    HealthCheck.Probe probe = new HealthCheck(() -> state).readiness();

    assertThat(probe.status()).isEqualTo(READINESS.get(state));
    assertThat(probe.state()).isEqualTo(state.name());
  }

  @Test
  void shouldBeAliveButNotReadyBeforeKafkaStreamsExists() {
    HealthCheck health = new HealthCheck(() -> null);

    assertThat(health.liveness()).isEqualTo(new HealthCheck.Probe(200, "NOT_CREATED"));
    assertThat(health.readiness()).isEqualTo(new HealthCheck.Probe(503, "NOT_CREATED"));
  }
}
