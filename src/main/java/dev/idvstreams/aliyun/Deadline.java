package dev.idvstreams.aliyun;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.util.function.Supplier;

/** Bounds a future by a wall-clock time, without blocking: past it, the result fails with the given error. */
final class Deadline {

  private Deadline() {}

  static <T> Future<T> within(Vertx vertx, Future<T> work, long millis, Supplier<? extends Throwable> onTimeout) {
    Promise<T> outcome = Promise.promise();
    long timer = vertx.setTimer(Math.max(1, millis), id -> outcome.tryFail(onTimeout.get()));
    work.onComplete(result -> {
      vertx.cancelTimer(timer);
      if (result.succeeded()) {
        outcome.tryComplete(result.result());
      } else {
        outcome.tryFail(result.cause());
      }
    });
    return outcome.future();
  }

  /** Whether a failure is a timeout of Vert.x or Netty (connect, idle) rather than another network error. */
  static boolean isTimeout(Throwable failure) {
    return failure instanceof java.util.concurrent.TimeoutException
        || failure.getClass().getSimpleName().contains("Timeout");
  }
}
