package dev.idvstreams.check;

import dev.idvstreams.api.Api;
import dev.idvstreams.async.AsyncCaller;
import dev.idvstreams.async.CallResult;
import dev.idvstreams.async.CancelScope;
import dev.idvstreams.avro.VerificationRequest;
import dev.idvstreams.avro.VerificationResult;
import io.vertx.core.Future;
import java.time.Instant;

/**
 * One check bound to its API: the request in, the client's request type {@code Q} out, the
 * client's answer {@code A} in, the result out. Typed end to end, so the invoker needs no casts.
 *
 * @param <Q> the client's request type for this API
 * @param <A> the client's answer type for this API
 */
interface CheckBinding<Q, A> {

  Api api();

  /**
   * Everything the paced call needs, ready before it takes a permit: the request mapped, and for
   * a face check its images downloaded (retried on their own, not paced by the account's limit).
   * A failure here ends the request as a failed call would, with no call made.
   */
  Future<CallResult<Q>> prepare(VerificationRequest request, CancelScope scope);

  /**
   * One call to the API; asked again for each attempt.
   *
   * @param gate the permit to leave (asked once the request is signed and connected) and the
   *     abort, when the request is cancelled, which resets the call on the wire
   */
  Future<A> send(Q apiRequest, AsyncCaller.Gate gate);

  /** The result of an answer: the one place an answer's outcome is decided ({@link ResultMapping}). */
  VerificationResult toResult(VerificationRequest request, A answer, int attempts, Instant completedAt);

  /** A request that needs no preparation but its mapping. */
  static <Q> Future<CallResult<Q>> ready(Q apiRequest) {
    return Future.succeededFuture(new CallResult.Success<>(apiRequest, 0, java.time.Duration.ZERO));
  }
}
