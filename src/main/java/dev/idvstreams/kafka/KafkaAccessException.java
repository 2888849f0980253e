package dev.idvstreams.kafka;

/**
 * The cluster cannot be used with the configured settings: unreachable, credentials refused, TLS
 * failed, or an ACL missing. Its message names the cause and the settings or resource to look at,
 * and is what a command prints before it exits.
 */
public final class KafkaAccessException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public KafkaAccessException(String message) {
    super(message);
  }

  public KafkaAccessException(String message, Throwable cause) {
    super(message, cause);
  }
}
