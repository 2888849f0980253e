package dev.idvstreams.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.regex.Pattern;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigException;

/**
 * The validators {@link ConfigDef} does not have. Each one's {@code toString} is what the
 * configuration table shows under "valid values", so it is written for a reader.
 */
final class Validators {

  /** Kafka's rule for topic names, which Kafka Streams also applies to {@code application.id}. */
  private static final Pattern KAFKA_NAME = Pattern.compile("[a-zA-Z0-9._-]{1,249}");

  /** A host name or address with an optional port, and nothing else: the scheme is always https. */
  private static final Pattern HOST_AND_PORT = Pattern.compile("[a-zA-Z0-9.-]+(:[0-9]{1,5})?");

  private Validators() {}

  static ConfigDef.Validator kafkaName() {
    return ConfigDef.LambdaValidator.with(
        (name, value) -> require(name, value, value != null && KAFKA_NAME.matcher((String) value).matches(),
            "must be 1 to 249 characters of a-z, A-Z, 0-9, '.', '_' and '-'"),
        () -> "1..249 of [a-zA-Z0-9._-]");
  }

  static ConfigDef.Validator hostAndPort() {
    return ConfigDef.LambdaValidator.with(
        (name, value) -> require(name, value, value != null && HOST_AND_PORT.matcher((String) value).matches(),
            "must be a host name with an optional :port, without a scheme or a path"),
        () -> "host[:port]");
  }

  /** An absolute URI with one of {@code schemes} and an authority; null passes when {@code optional}. */
  static ConfigDef.Validator uri(boolean optional, String... schemes) {
    List<String> allowed = List.of(schemes);
    String expected = String.join("://, ", allowed) + "://";
    return ConfigDef.LambdaValidator.with(
        (name, value) -> {
          if (value == null && optional) {
            return;
          }
          require(name, value, value != null && hasSchemeAndAuthority((String) value, allowed),
              "must be a URL starting with " + expected);
        },
        () -> (optional ? "empty or " : "") + expected + "...");
  }

  /** -1 selects the broker's default; anything else must be at least 1. */
  static ConfigDef.Validator brokerDefaultOrPositive() {
    return ConfigDef.LambdaValidator.with(
        (name, value) -> require(name, value,
            value instanceof Number number && (number.intValue() == -1 || number.intValue() >= 1),
            "must be -1 (the broker's default) or at least 1"),
        () -> "-1 or [1,...]");
  }

  private static boolean hasSchemeAndAuthority(String value, List<String> schemes) {
    try {
      URI uri = new URI(value);
      return uri.getScheme() != null && schemes.contains(uri.getScheme().toLowerCase())
          && uri.getRawAuthority() != null && !uri.getRawAuthority().isBlank();
    } catch (URISyntaxException e) {
      return false;
    }
  }

  private static void require(String name, Object value, boolean valid, String message) {
    if (!valid) {
      throw new ConfigException(name, value, message);
    }
  }

  /** A time zone id that {@link java.time.ZoneId#of} takes: {@code UTC}, {@code Asia/Singapore}, {@code +08:00}. */
  static ConfigDef.Validator zoneId() {
    return ConfigDef.LambdaValidator.with((name, value) -> {
      try {
        java.time.ZoneId.of(String.valueOf(value));
      } catch (java.time.DateTimeException e) {
        throw new org.apache.kafka.common.config.ConfigException(name, value, "not a time zone: " + e.getMessage());
      }
    }, () -> "a time zone id (UTC, Asia/Singapore, +08:00)");
  }
}
