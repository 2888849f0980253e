package dev.idvstreams.aliyun;

import io.vertx.core.Future;
import java.util.function.Supplier;

/**
 * How a caller controls one call of the client.
 *
 * @param departure asked once the request is signed and its connection ready; the request is
 *     sent when the returned future completes, so a caller that paces calls paces their
 *     departures. A failed departure ends the call unsent, failing it with that same failure
 * @param sent run when the request has been written to the connection: when it really left
 * @param abort completes when the caller gives the call up: it is reset on the wire and fails
 *     with {@link ApiException#ABORTED}
 */
public record CallControl(Supplier<Future<Void>> departure, Runnable sent, Future<Void> abort) {

  private static final Future<Void> NEVER = Future.future(promise -> { });

  /** Leaves at once, never aborted. */
  public static final CallControl NONE = new CallControl(Future::succeededFuture, () -> { }, NEVER);

  boolean mayAbort() {
    return abort != NEVER;
  }
}
