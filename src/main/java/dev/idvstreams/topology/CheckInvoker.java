package dev.idvstreams.topology;

import dev.idvstreams.avro.CheckType;
import dev.idvstreams.avro.VerificationRequest;
import io.vertx.core.Future;

/**
 * Runs the API call of one request to its end, off the stream thread: rate limit, retries and the
 * circuit breaker included. One instance serves every task of a Kafka Streams instance, so the
 * rate limit holds for the instance as a whole.
 */
public interface CheckInvoker {

  /** Starts the call and returns at once; the future never fails, failures being {@link CheckOutcome.Failed}. */
  Future<CheckOutcome> invoke(VerificationRequest request);

  /** Whether the API's circuit breaker holds its requests (an account-level error): no slot frees until it recovers. */
  boolean isHeld(CheckType api);

  /** The in-flight bound for one API right now (Little's law on its rate and latency). */
  int inFlightBound(CheckType api);

  /** Feeds a completed request's service time to that API's in-flight bound. */
  void recordServiceTime(CheckType api, java.time.Duration serviceTime);
}
