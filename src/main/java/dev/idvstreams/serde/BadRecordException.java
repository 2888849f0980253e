package dev.idvstreams.serde;

import org.apache.kafka.common.errors.SerializationException;

/** The bytes of a record cannot be decoded, whatever the registry does: the record itself is broken. */
public final class BadRecordException extends SerializationException {

  /** Why the record cannot be read; its name is the dead letter's error code. */
  public enum Reason {
    UNKNOWN_MAGIC_BYTE,
    UNKNOWN_SCHEMA_ID,
    /** The writer schema is known but cannot be read as the expected record: another producer's type. */
    INCOMPATIBLE_SCHEMA,
    CORRUPT_PAYLOAD
  }

  private final Reason reason;

  public BadRecordException(Reason reason, String message) {
    super(message);
    this.reason = reason;
  }

  public BadRecordException(Reason reason, String message, Throwable cause) {
    super(message, cause);
    this.reason = reason;
  }

  public Reason reason() {
    return reason;
  }
}
