package dev.idvstreams.check;

import dev.idvstreams.api.Api;
import dev.idvstreams.async.CancelScope;
import dev.idvstreams.avro.VerificationRequest;
import io.vertx.core.Future;
import java.time.Duration;

/**
 * Runs the API call of one request to its end, off the stream thread: rate limit, retries and the
 * circuit breaker included. One instance serves every task of a Kafka Streams instance, so the
 * rate limit holds for the instance as a whole. The topology depends on this interface only.
 */
public interface CheckInvoker {

  /**
   * Starts the call and returns at once; the future never fails, failures being {@link Settlement.Failed}.
   *
   * @param scope the owner's scope: cancelling it ends the call wherever it is (see
   *     {@link dev.idvstreams.async.AsyncCaller}), and the settlement is then of no use to anyone
   */
  Future<Settlement> invoke(VerificationRequest request, CancelScope scope);

  /** Whether the API's circuit breaker holds its requests (an account-level error): no slot frees until it recovers. */
  boolean isHeld(Api api);

  /**
   * Whether a call of {@code api} may start now: the instance's calls of it, from all its tasks,
   * are under the API's in-flight bound. The bound is the instance's, not each task's, so neither
   * the calls in flight (repeated after a crash) nor the images held for them grow with the
   * number of tasks.
   */
  boolean hasCapacity(Api api);

  /**
   * Whether the instance's calls of {@code api} are under its {@code in-flight.max}, the hard cap
   * beyond the bound: a task with none of its own may start one there (TakeTurns, in topology).
   */
  boolean isBelowMax(Api api);

  /** The in-flight bound for one API right now (Little's law on its rate and latency). */
  int inFlightBound(Api api);

  /** Feeds a completed request's service time to that API's in-flight bound. */
  void recordServiceTime(Api api, Duration serviceTime);
}
