package dev.idvstreams.serde;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;

/**
 * How to reach the schema registry: the one description every user of the registry is built from
 * (the processor, the operator commands, and the deserialization handler, which Kafka Streams
 * configures from its properties, hence {@link #asProperties()} and {@link #fromProperties}).
 *
 * @param url {@code mock://NAME} for the in-process registry of scope NAME, else the REST registry's base URL
 * @param basicAuthUserInfo {@code user:password}, or null
 * @param requestTimeout the timeout of one registry request
 */
public record RegistrySettings(String url, String basicAuthUserInfo, Duration requestTimeout) {

  static final String URL_PROPERTY = "idv.schema.registry.url";
  static final String AUTH_PROPERTY = "idv.schema.registry.basic.auth.user.info";
  static final String TIMEOUT_PROPERTY = "idv.schema.registry.request.timeout.ms";

  public RegistrySettings {
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(requestTimeout, "requestTimeout");
  }

  public SchemaRegistryClient client() {
    return SchemaRegistries.forUrl(url, basicAuthUserInfo, requestTimeout);
  }

  /** These settings as entries of a Kafka client's properties. */
  public Map<String, Object> asProperties() {
    Map<String, Object> properties = new HashMap<>();
    properties.put(URL_PROPERTY, url);
    properties.put(TIMEOUT_PROPERTY, String.valueOf(requestTimeout.toMillis()));
    if (basicAuthUserInfo != null) {
      properties.put(AUTH_PROPERTY, basicAuthUserInfo);
    }
    return properties;
  }

  /** The settings {@link #asProperties()} put into a Kafka client's properties. */
  public static RegistrySettings fromProperties(Map<String, ?> properties) {
    Object url = Objects.requireNonNull(properties.get(URL_PROPERTY), URL_PROPERTY + " is not set");
    Object timeout = Objects.requireNonNull(properties.get(TIMEOUT_PROPERTY), TIMEOUT_PROPERTY + " is not set");
    Object auth = properties.get(AUTH_PROPERTY);
    return new RegistrySettings(url.toString(), auth == null ? null : auth.toString(),
        Duration.ofMillis(Long.parseLong(timeout.toString())));
  }
}
