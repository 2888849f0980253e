package dev.idvstreams.kafka;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.idvstreams.embedded.FreePort;
import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** A broker that does not answer: named within the timeout, not a client's endless retries. */
class ClusterCheckTest {

  @Test
  void shouldNameABrokerThatDoesNotAnswerWithinTheTimeout() {
    String nowhere = "127.0.0.1:" + FreePort.pick();
    assertThatThrownBy(() -> ClusterCheck.reach(Map.of("bootstrap.servers", nowhere), Duration.ofSeconds(2)))
        .isInstanceOf(KafkaAccessException.class)
        .hasMessageContaining("no Kafka broker answered at " + nowhere + " (PLAINTEXT) within 2 s")
        .hasMessageContaining("kafka.security.protocol");
  }

  /** A JAAS line that does not parse: named, and its text (a password in it) not quoted back. */
  @Test
  void shouldNameAClientThatCannotBeBuiltWithoutQuotingItsJaasLine() {
    String broken = "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"idv\" password=s3cret-unquoted";
    assertThatThrownBy(() -> ClusterCheck.reach(Map.of("bootstrap.servers", "127.0.0.1:9", "security.protocol", "SASL_SSL",
        "sasl.mechanism", "SCRAM-SHA-512", "sasl.jaas.config", broken), Duration.ofSeconds(2)))
        .isInstanceOf(KafkaAccessException.class)
        .hasMessageContaining("cannot build a Kafka client")
        .hasMessageContaining("kafka.sasl")
        .hasMessageNotContaining("s3cret");
  }
}
