package dev.idvstreams.async;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * Drives one request to an {@link CallResult} against one API: held while the breaker is open, paced
 * by the rate limiter, retried by the retry policy, one call at a time.
 *
 * <p>Nothing here blocks: waits are Vert.x timers. A request's steps run one after another (each
 * is scheduled only when the previous one has ended), so they never overlap and its state needs
 * no lock. Account failures are not the request's fault, so neither they nor the time spent
 * held count against the retry policy's attempts or deadline. A repeated-call answer counts
 * against the deadline only: it says the API still has this request from an earlier attempt (a
 * transient failure it had already registered), so only time can clear it.
 */
public final class AsyncCaller<R> {

  private final Vertx vertx;
  private final AdaptiveRateLimiter limiter;
  private final CircuitBreaker breaker;
  private final RetryPolicy retryPolicy;
  private final Function<Throwable, FailureKind> classifier;
  private final long holdRecheckMillis;
  private final LongSupplier nanoTime;
  private final CallEvents events;

  /**
   * @param classifier maps a failed call's error to its kind
   * @param holdRecheck how often a held request asks the breaker again
   * @param nanoTime the clock for service times and the retry deadline
   * @param events told of each attempt's end and of each retry as it is scheduled
   */
  public AsyncCaller(Vertx vertx, AdaptiveRateLimiter limiter, CircuitBreaker breaker, RetryPolicy retryPolicy,
      Function<Throwable, FailureKind> classifier, Duration holdRecheck, LongSupplier nanoTime, CallEvents events) {
    this.vertx = vertx;
    this.limiter = limiter;
    this.breaker = breaker;
    this.retryPolicy = retryPolicy;
    this.classifier = classifier;
    this.holdRecheckMillis = Math.max(1, holdRecheck.toMillis());
    this.nanoTime = nanoTime;
    this.events = events;
  }

  /**
   * Starts the request and returns at once. Safe to call from any thread.
   *
   * @param attempt makes one call; asked again for each attempt. Its future must complete: give
   *     the HTTP request a timeout, which also cancels it, so a retry never overlaps it (a timeout
   *     here could not cancel the call, and would make two concurrent calls for one request)
   * @return the outcome; it always succeeds, failures being {@link CallResult.Failure}
   */
  public Future<CallResult<R>> call(Supplier<Future<R>> attempt) {
    Request request = new Request(attempt);
    Context context = vertx.getOrCreateContext();
    context.runOnContext(v -> request.passBreaker());
    return request.outcome.future();
  }

  private final class Request {
    private final Supplier<Future<R>> attempt;
    private final Promise<CallResult<R>> outcome = Promise.promise();
    private final long startNanos = nanoTime.getAsLong();
    private int calls;
    private int budgetedCalls;
    private int retries;
    private long serviceNanos;
    private long heldNanos;
    private boolean held;
    private long holdStartNanos;

    Request(Supplier<Future<R>> attempt) {
      this.attempt = attempt;
    }

    void passBreaker() {
      long now = nanoTime.getAsLong();
      if (!breaker.allowRequest()) {
        if (!held) {
          held = true;
          holdStartNanos = now;
        }
        vertx.setTimer(holdRecheckMillis, id -> passBreaker());
        return;
      }
      if (held) {
        held = false;
        heldNanos += now - holdStartNanos;
      }
      awaitToken();
    }

    void awaitToken() {
      // The breaker may have opened while this request waited for a token: hold it then,
      // or every request that passed before the first account failure would still call.
      if (breaker.state() == CircuitBreaker.State.OPEN) {
        passBreaker();
        return;
      }
      long waitNanos = limiter.tryAcquireOrDelayNanos();
      if (waitNanos > 0) {
        vertx.setTimer(ceilMillis(waitNanos), id -> awaitToken());
        return;
      }
      callOnce();
    }

    void callOnce() {
      calls++;
      long callStart = nanoTime.getAsLong();
      Future<R> call;
      try {
        call = attempt.get();
      } catch (RuntimeException e) {
        call = Future.failedFuture(e);
      }
      call.onComplete((value, error) -> {
        long callNanos = nanoTime.getAsLong() - callStart;
        serviceNanos += callNanos;
        try {
          if (error == null) {
            events.attemptEnded(null, Duration.ofNanos(callNanos));
            succeed(value);
          } else {
            FailureKind kind = classifier.apply(error);
            events.attemptEnded(kind, Duration.ofNanos(callNanos));
            fail(error, kind);
          }
        } catch (RuntimeException bug) {
          // A classifier bug must still free the request's in-flight slot, and must not
          // leave a probe's breaker half-open for ever: it was not an account failure.
          breaker.onSuccess();
          outcome.tryComplete(new CallResult.Failure<>(bug, FailureKind.FATAL, calls, serviceTime()));
        }
      });
    }

    private void succeed(R value) {
      breaker.onSuccess();
      limiter.onSuccess();
      outcome.complete(new CallResult.Success<>(value, calls, serviceTime()));
    }

    private void fail(Throwable error, FailureKind kind) {
      if (kind == FailureKind.ACCOUNT) {
        breaker.onAccountFailure();
        events.retryScheduled();
        passBreaker();
        return;
      }
      // Any other answer shows the account can call.
      breaker.onSuccess();
      if (kind == FailureKind.THROTTLED) {
        limiter.onThrottled();
      }
      if (kind != FailureKind.REPEATED) {
        budgetedCalls++;
      }
      retries++;
      Optional<Duration> backoff = retryPolicy.isRetryable(kind)
          ? retryPolicy.nextDelay(budgetedCalls, retries, budgetedElapsed())
          : Optional.empty();
      if (backoff.isEmpty()) {
        outcome.complete(new CallResult.Failure<>(error, kind, calls, serviceTime()));
        return;
      }
      serviceNanos += backoff.get().toNanos();
      events.retryScheduled();
      vertx.setTimer(ceilMillis(backoff.get().toNanos()), id -> passBreaker());
    }

    private Duration serviceTime() {
      return Duration.ofNanos(serviceNanos);
    }

    private Duration budgetedElapsed() {
      return Duration.ofNanos(nanoTime.getAsLong() - startNanos - heldNanos);
    }
  }

  /** Vert.x timers take whole milliseconds, at least one; rounding down would wake too early. */
  private static long ceilMillis(long nanos) {
    return Math.max(1, TimeUnit.NANOSECONDS.toMillis(nanos + 999_999));
  }
}
