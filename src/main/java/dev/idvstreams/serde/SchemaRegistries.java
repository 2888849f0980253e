package dev.idvstreams.serde;

import dev.idvstreams.tls.TrustStore;
import java.time.Duration;

/** Chooses the registry client for a {@code schema.registry.url}. */
public final class SchemaRegistries {

  /** Confluent's prefix for a registry kept in this JVM. */
  public static final String MOCK_PREFIX = "mock://";

  private SchemaRegistries() {}

  /**
   * @param url {@code mock://NAME} for the in-process registry of scope NAME, else the REST registry's base URL
   * @param basicAuthUserInfo {@code user:password}, or null
   */
  public static SchemaRegistryClient forUrl(String url, String basicAuthUserInfo, Duration timeout) {
    return forUrl(url, basicAuthUserInfo, timeout, null);
  }

  /** @param trustStore the certificates an https registry may present; null for the JVM's default trust store */
  public static SchemaRegistryClient forUrl(String url, String basicAuthUserInfo, Duration timeout, TrustStore trustStore) {
    if (url.startsWith(MOCK_PREFIX)) {
      return InProcessSchemaRegistry.scope(url.substring(MOCK_PREFIX.length()));
    }
    return new RestSchemaRegistryClient(url, basicAuthUserInfo, timeout, trustStore);
  }
}
