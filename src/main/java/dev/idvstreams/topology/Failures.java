package dev.idvstreams.topology;

import dev.idvstreams.serde.RegistryUnavailableException;
import org.apache.kafka.common.errors.InterruptException;
import org.apache.kafka.streams.errors.InvalidStateStoreException;
import org.apache.kafka.streams.errors.ProcessorStateException;

/** Which failures are a record's own, and how to name one without quoting it. */
public final class Failures {

  private Failures() {}

  /**
   * Whether {@code error} says something about the processor's state or surroundings rather than
   * about the record being processed: a registry out of reach, a store that fails, an interrupt,
   * a record already found to stop the thread ({@link PoisonRecordException}). Dead-lettering the
   * record would lose it for nothing; failing lets the thread be replaced and read it again.
   */
  static boolean notTheRecords(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof PoisonRecordException || t instanceof ProcessorStateException
          || t instanceof InvalidStateStoreException || t instanceof InterruptException
          || t instanceof InterruptedException) {
        return true;
      }
    }
    return RegistryUnavailableException.isCauseOf(error);
  }

  /**
   * The classes of {@code error} and its causes, each with where it was thrown: messages are left
   * out, since an Avro or Kafka message can quote the record, personal data included.
   */
  public static String describe(Throwable error) {
    StringBuilder chain = new StringBuilder();
    for (Throwable t = error; t != null && chain.length() < 600; t = t.getCause()) {
      chain.append(chain.length() == 0 ? "" : " <- ").append(t.getClass().getName());
      StackTraceElement[] at = t.getStackTrace();
      if (at.length > 0) {
        chain.append(" at ").append(at[0]);
      }
    }
    return chain.toString();
  }
}
