package dev.idvstreams.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.junit.jupiter.api.Test;

class LogClientsTest {

  @Test
  void shouldLetAQuietLogsFetchWaitFiveSecondsAtTheBroker() {
    assertThat(LogClients.consumerConfigs(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:9092")))
        .containsEntry(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 5_000);
  }

  @Test
  void shouldKeepTheFetchWaitUnderHalfARequestTimeoutSetLower() {
    assertThat(LogClients.consumerConfigs(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:9092",
        ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, "4000")))
        .containsEntry(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 2_000);
  }

  @Test
  void shouldReadTheRequestTimeoutAsKafkaDoesAndNeverWaitLessThanAMillisecond() {
    assertThat(LogClients.quietFetchWait(" 3000 ")).isEqualTo(1_500);
    assertThat(LogClients.quietFetchWait(1)).isEqualTo(1);
  }
}
