package dev.idvstreams.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idvstreams.config.IdvConfig;
import java.util.HashMap;
import java.util.Map;
import java.util.Properties;
import org.junit.jupiter.api.Test;

class StreamsPropertiesTest {

  private static final String MAIN_CONSUMER_API_TIMEOUT = "main.consumer.default.api.timeout.ms";

  private static Properties streamsProperties(String... keysAndValues) {
    Map<String, Object> properties = new HashMap<>();
    properties.put("bootstrap.servers", "127.0.0.1:9092");
    properties.put("schema.registry.url", "mock://test");
    for (int k = 0; k < keysAndValues.length; k += 2) {
      properties.put(keysAndValues[k], keysAndValues[k + 1]);
    }
    return StreamsProperties.of(new IdvConfig(properties));
  }

  @Test
  void theStreamsProtocolBoundsTheMainConsumersWaitForAClientCall() {
    assertThat(streamsProperties("kafka.group.protocol", "streams"))
        .containsEntry(MAIN_CONSUMER_API_TIMEOUT, StreamsProperties.STREAMS_PROTOCOL_API_TIMEOUT_MS);
  }

  @Test
  void theClassicProtocolKeepsKafkasWait() {
    assertThat(streamsProperties()).doesNotContainKey(MAIN_CONSUMER_API_TIMEOUT);
  }

  @Test
  void aWaitTheOperatorSetIsKept() {
    for (String key : new String[] {"default.api.timeout.ms", "consumer.default.api.timeout.ms", MAIN_CONSUMER_API_TIMEOUT}) {
      Properties props = streamsProperties("kafka.group.protocol", "streams", "kafka." + key, "45000");
      assertThat(props).as(key).containsEntry(key, "45000");
      if (!key.equals(MAIN_CONSUMER_API_TIMEOUT)) {
        assertThat(props).as(key).doesNotContainKey(MAIN_CONSUMER_API_TIMEOUT);
      }
    }
  }
}
