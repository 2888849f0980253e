package dev.idvstreams.embedded;

import java.util.HashMap;
import java.util.Map;

/**
 * The Kafka cluster an integration test talks to, where it came from, and the client settings
 * beyond bootstrap.servers that it needs (empty for a PLAINTEXT cluster; SASL_SSL and a trust
 * store for {@link SecuredKafka}).
 */
public record KafkaBootstrap(String bootstrapServers, String origin, Map<String, String> security) {

  public KafkaBootstrap {
    security = Map.copyOf(security);
  }

  public KafkaBootstrap(String bootstrapServers, String origin) {
    this(bootstrapServers, origin, Map.of());
  }

  /** What a Kafka client of the test is built from: bootstrap.servers and the security settings. */
  public Map<String, Object> clientProperties() {
    Map<String, Object> properties = new HashMap<>(security);
    properties.put("bootstrap.servers", bootstrapServers);
    return properties;
  }

  /** The same as the processor's configuration says it: bootstrap.servers and {@code kafka.}-prefixed keys. */
  public Map<String, String> idvConfig() {
    Map<String, String> config = new HashMap<>();
    security.forEach((key, value) -> config.put("kafka." + key, value));
    config.put("bootstrap.servers", bootstrapServers);
    return config;
  }

  @Override
  public String toString() {
    return "KafkaBootstrap[" + bootstrapServers + " (" + origin + ")" + (security.isEmpty() ? "" : ", secured") + "]";
  }
}
