package dev.idvstreams.runtime;

import dev.idvstreams.serde.RegistryUnavailableException;
import dev.idvstreams.topology.Failures;
import dev.idvstreams.topology.PoisonRecordException;
import java.time.Duration;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What the processor does when a stream thread dies:
 * <pre>
 * cause                                   | response
 * ----------------------------------------+------------------------------------------------------------
 * the registry out of reach               | replace the thread after a pause; it reads the record again
 * a record the crash-loop guard counted   | replace the thread; it reads the record again, or dead-letters
 *   (PoisonRecordException)               |   it once it has stopped the processor poison.max-failures times
 * anything else                           | shut the client down: not a record's fault, only a restart helps
 * </pre>
 */
final class StreamThreadFailures implements StreamsUncaughtExceptionHandler {

  private static final Logger LOG = LoggerFactory.getLogger(StreamThreadFailures.class);
  private final Duration registryOutagePause;

  /** @param registryOutagePause how long a thread that failed on an unreachable registry waits before it is replaced */
  StreamThreadFailures(Duration registryOutagePause) {
    this.registryOutagePause = registryOutagePause;
  }

  @Override
  public StreamThreadExceptionResponse handle(Throwable error) {
    if (RegistryUnavailableException.isCauseOf(error)) {
      LOG.warn("Schema registry unavailable ({}): replacing the stream thread in {}, which reads again from the last "
        + "commit", error.getMessage(), registryOutagePause);
      pause();
      return StreamThreadExceptionResponse.REPLACE_THREAD;
    }
    PoisonRecordException poison = PoisonRecordException.in(error);
    if (poison != null) {
      LOG.error("{}; replacing the stream thread", poison.getMessage());
      return StreamThreadExceptionResponse.REPLACE_THREAD;
    }
    // classes only: an Avro or Kafka message can quote the record, personal data included
    LOG.error("Stream thread failed with {}: shutting the processor down", Failures.describe(error));
    return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
  }

  private void pause() {
    try {
      Thread.sleep(registryOutagePause.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
