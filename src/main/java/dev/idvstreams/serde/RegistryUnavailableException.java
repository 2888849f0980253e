package dev.idvstreams.serde;

import org.apache.kafka.common.errors.RetriableException;

/**
 * The Schema Registry could not be reached or failed. Not the record's fault: a decode stage retries
 * on it instead of dead-lettering the record, which is why it is a different type from
 * {@link BadRecordException}.
 */
public final class RegistryUnavailableException extends RetriableException {

  public RegistryUnavailableException(String message, Throwable cause) {
    super(message, cause);
  }

  public RegistryUnavailableException(String message) {
    super(message);
  }

  /** Whether {@code error} or one of its causes is a registry outage. */
  public static boolean isCauseOf(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof RegistryUnavailableException) {
        return true;
      }
    }
    return false;
  }
}
