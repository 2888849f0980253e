package dev.idvstreams.serde;

import dev.idvstreams.tls.TrustStore;
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
 * @param trustStore the certificates an https registry may present, or null for the JVM's default trust store
 */
public record RegistrySettings(String url, String basicAuthUserInfo, Duration requestTimeout, TrustStore trustStore) {

  static final String URL_PROPERTY = "idv.schema.registry.url";
  static final String AUTH_PROPERTY = "idv.schema.registry.basic.auth.user.info";
  static final String TIMEOUT_PROPERTY = "idv.schema.registry.request.timeout.ms";
  static final String TRUST_STORE_PROPERTY = "idv.schema.registry.ssl.truststore.location";
  static final String TRUST_STORE_PASSWORD_PROPERTY = "idv.schema.registry.ssl.truststore.password";
  static final String TRUST_STORE_TYPE_PROPERTY = "idv.schema.registry.ssl.truststore.type";

  public RegistrySettings {
    Objects.requireNonNull(url, "url");
    Objects.requireNonNull(requestTimeout, "requestTimeout");
  }

  public SchemaRegistryClient client() {
    return SchemaRegistries.forUrl(url, basicAuthUserInfo, requestTimeout, trustStore);
  }

  @Override
  public String toString() {
    return "RegistrySettings[url=" + url + ", basicAuth=" + (basicAuthUserInfo != null) + ", requestTimeout="
        + requestTimeout + ", trustStore=" + trustStore + "]";
  }

  /** These settings as entries of a Kafka client's properties. */
  public Map<String, Object> asProperties() {
    Map<String, Object> properties = new HashMap<>();
    properties.put(URL_PROPERTY, url);
    properties.put(TIMEOUT_PROPERTY, String.valueOf(requestTimeout.toMillis()));
    if (basicAuthUserInfo != null) {
      properties.put(AUTH_PROPERTY, basicAuthUserInfo);
    }
    if (trustStore != null) {
      properties.put(TRUST_STORE_PROPERTY, trustStore.path().toString());
      properties.put(TRUST_STORE_PASSWORD_PROPERTY, trustStore.password());
      properties.put(TRUST_STORE_TYPE_PROPERTY, trustStore.type());
    }
    return properties;
  }

  /** The settings {@link #asProperties()} put into a Kafka client's properties. */
  public static RegistrySettings fromProperties(Map<String, ?> properties) {
    Object url = Objects.requireNonNull(properties.get(URL_PROPERTY), URL_PROPERTY + " is not set");
    Object timeout = Objects.requireNonNull(properties.get(TIMEOUT_PROPERTY), TIMEOUT_PROPERTY + " is not set");
    Object auth = properties.get(AUTH_PROPERTY);
    Object store = properties.get(TRUST_STORE_PROPERTY);
    TrustStore trustStore = store == null ? null : new TrustStore(java.nio.file.Path.of(store.toString()),
        String.valueOf(properties.get(TRUST_STORE_PASSWORD_PROPERTY)), String.valueOf(properties.get(TRUST_STORE_TYPE_PROPERTY)));
    return new RegistrySettings(url.toString(), auth == null ? null : auth.toString(),
        Duration.ofMillis(Long.parseLong(timeout.toString())), trustStore);
  }
}
