package dev.idvstreams.runtime;

import dev.idvstreams.serde.RegistryUnavailableException;
import dev.idvstreams.topology.Failures;
import dev.idvstreams.topology.PoisonRecordException;
import java.time.Duration;
import org.apache.kafka.common.errors.AuthorizationException;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TransactionalIdAuthorizationException;
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
 * Kafka refused an ACL (group, topic,     | shut the client down, naming the resource: an operator must
 *   transactional id, cluster)            |   grant it (a group's Read is only asked when it first joins)
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
    AuthorizationException refused = refusal(error);
    if (refused != null) {
      LOG.error("Kafka ACL missing: this principal was refused {}: shutting the processor down; docs/security.md lists "
        + "every ACL the processor needs", resource(refused));
      return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
    }
    // classes only: an Avro or Kafka message can quote the record, personal data included
    LOG.error("Stream thread failed with {}: shutting the processor down", Failures.describe(error));
    return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
  }

  private static AuthorizationException refusal(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof AuthorizationException refused) {
        return refused;
      }
    }
    return null;
  }

  /** The refused resource from the exception's fields, never its message. */
  private static String resource(AuthorizationException refused) {
    if (refused instanceof GroupAuthorizationException group) {
      return "group '" + group.groupId() + "' (it needs Read and Describe on it)";
    }
    if (refused instanceof TopicAuthorizationException topics) {
      return "topics " + topics.unauthorizedTopics();
    }
    if (refused instanceof TransactionalIdAuthorizationException) {
      return "its transactional ids (it needs Write on the prefix '<application.id>-')";
    }
    return refused.getClass().getSimpleName().replace("AuthorizationException", "").toLowerCase(java.util.Locale.ROOT)
      + " access (" + refused.getClass().getSimpleName() + ")";
  }

  private void pause() {
    try {
      Thread.sleep(registryOutagePause.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
