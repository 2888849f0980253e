package dev.idvstreams.async;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CancellationException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
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
 *
 * <p>A request belongs to a {@link CancelScope}. Cancelled, it ends at once as
 * {@link FailureKind#CANCELLED} wherever it is: held by the breaker, waiting for a token, in
 * backoff (the timer is cancelled), or calling (the attempt's abort future completes, which resets
 * the HTTP request); an answer arriving later is dropped. A cancelled probe gives the breaker's
 * probe back, so another request can probe.
 */
public final class AsyncCaller<R> {

  /** One call to the API. */
  @FunctionalInterface
  public interface Attempt<R> {
    /**
     * Prepares the call (signs it, gets its connection), asks the gate's permit, and sends only
     * when it is granted: the limiter then paces departures, not the moments calls began to be
     * built, whose cost varies (a cold JVM's first calls take tens of milliseconds longer).
     *
     * @return the answer; the future must complete: give the HTTP request a timeout that also
     *     resets it, so a retry never overlaps it. When the permit fails the attempt must fail
     *     with the permit's failure, unsent
     */
    Future<R> start(Gate gate);
  }

  /**
   * What an attempt is given: {@code permit} completes when the call may leave (the rate
   * limiter's token is taken), or fails when it must not (the breaker opened, the request was
   * cancelled); {@code sent} is to be run when the call has really left, so that a late
   * departure delays the next permit; {@code abort} completes when the request is cancelled, and the call must then end
   * on the wire.
   */
  public record Gate(Supplier<Future<Void>> permit, Runnable sent, Future<Void> abort) {
  }

  /** The permit refused because the breaker opened while the call waited for a token: not a call. */
  private static final class HeldByBreaker extends RuntimeException {
    private static final long serialVersionUID = 1L;

    HeldByBreaker() {
      super("held by the circuit breaker", null, false, false);
    }
  }

  private final Vertx vertx;
  private final AdaptiveRateLimiter limiter;
  private final CircuitBreaker breaker;
  private final RetryPolicy retryPolicy;
  private final Function<Throwable, FailureKind> classifier;
  private final long holdRecheckMillis;
  private final LongSupplier nanoTime;
  private final CallEvents events;
  /** Attempts ready to leave that wait for a token, by turns of their owners: work the limit could serve now. */
  private final PermitQueue awaitingPermit = new PermitQueue();
  private final AtomicLong permitsGranted = new AtomicLong();
  /** Attempts granted their token and not yet answered: the requests whose call is on the wire. */
  private final AtomicInteger onTheWire = new AtomicInteger();
  /** Set by an operator (the control topic): attempts are held as by an open breaker. */
  private volatile boolean paused;
  /** The day's call budget (the cost guard): every attempt takes one call of it when its token is granted. */
  private volatile CallBudget budget = CallBudget.NONE;

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
   * @param attempt makes one call; asked again for each attempt
   * @param scope cancels the request when its owner closes
   * @return the outcome; it always succeeds, failures being {@link CallResult.Failure}
   */
  public Future<CallResult<R>> call(Attempt<R> attempt, CancelScope scope) {
    Context context = vertx.getOrCreateContext();
    Request request = new Request(attempt, context, scope);
    Runnable deregister = scope.register(() -> context.runOnContext(v -> request.cancel()));
    request.outcome.future().onComplete(done -> deregister.run());
    context.runOnContext(v -> request.passBreaker());
    return request.outcome.future();
  }

  /** Attempts that wait for the limiter's token now. */
  public int awaitingPermit() {
    return awaitingPermit.size();
  }

  /** Tokens granted since the start: the calls (attempts) made. */
  public long permitsGranted() {
    return permitsGranted.get();
  }

  /** Requests whose current attempt has its token and no answer yet. */
  public int onTheWire() {
    return onTheWire.get();
  }

  /** Pauses or resumes every attempt of this caller: a paused one waits, as for an open breaker, and holds no token. */
  public void setPaused(boolean paused) {
    this.paused = paused;
  }

  public boolean isPaused() {
    return paused;
  }

  /** The budget attempts take their calls from from now on. */
  public void setBudget(CallBudget budget) {
    this.budget = budget;
  }

  public CallBudget budget() {
    return budget;
  }

  /** One request's steps; they all run on its Vert.x context, one after another. */
  private final class Request implements PermitQueue.Waiter {
    private final Attempt<R> attempt;
    private final Context context;
    /** Its owner's scope (a task's): the requests of one scope take their turn at the token together ({@link PermitQueue}). */
    private final CancelScope scope;
    private final Promise<CallResult<R>> outcome = Promise.promise();
    /** Completed when the request is cancelled: the attempt in flight resets its HTTP request. */
    private final Promise<Void> abort = Promise.promise();
    private long timer = -1;
    private boolean probing;
    private final long startNanos = nanoTime.getAsLong();
    private int calls;
    private int budgetedCalls;
    private int retries;
    private long serviceNanos;
    private long heldNanos;
    private boolean held;
    private long holdStartNanos;
    /** The permit the current attempt waits for, failed if the request is cancelled meanwhile. */
    private Promise<Void> pendingPermit;
    /** When the current attempt's permit was granted: its call left then. */
    private volatile long departedNanos;
    /** The same moment on the limiter's clock, 0 before the grant: names the permit to the limiter. */
    private volatile long grantedAtNanos;
    /** Whether the current attempt was written to its connection: only then may the provider have seen it. */
    private volatile boolean sentThisAttempt;
    /** Whether the current attempt counts in {@link #onTheWire}: from its grant to its answer. */
    private boolean countedOnTheWire;

    Request(Attempt<R> attempt, Context context, CancelScope scope) {
      this.attempt = attempt;
      this.context = context;
      this.scope = scope;
    }

    boolean ended() {
      return outcome.future().isComplete();
    }

    void cancel() {
      if (ended()) {
        return;
      }
      if (timer != -1) {
        vertx.cancelTimer(timer);
      }
      if (probing) {
        breaker.onProbeAbandoned();
      }
      abort.tryComplete();
      if (pendingPermit != null) {
        pendingPermit.tryFail(new CancellationException("cancelled"));
      }
      outcome.tryComplete(new CallResult.Failure<>(new CancellationException(
          "the request's owner closed"), FailureKind.CANCELLED, calls, serviceTime()));
    }

    /** Runs {@code step} after {@code millis}, unless the request ends first. */
    void after(long millis, Runnable step) {
      timer = vertx.setTimer(millis, id -> {
        timer = -1;
        if (!ended()) {
          step.run();
        }
      });
    }

    void passBreaker() {
      if (ended()) {
        return;
      }
      long now = nanoTime.getAsLong();
      boolean wasOpen = breaker.state() == CircuitBreaker.State.OPEN;
      // paused first: a paused API must not take the breaker's probe
      if (paused || !breaker.allowRequest()) {
        if (!held) {
          held = true;
          holdStartNanos = now;
        }
        after(holdRecheckMillis, this::passBreaker);
        return;
      }
      // only one request passes an open breaker: the probe, until it reports
      probing = wasOpen && breaker.state() == CircuitBreaker.State.HALF_OPEN;
      if (held) {
        held = false;
        heldNanos += now - holdStartNanos;
      }
      callOnce();
    }

    /** The attempt is ready to send: grants its permit when the limiter has a token. */
    Future<Void> permit() {
      Promise<Void> permit = Promise.promise();
      // in line until granted, failed or cancelled; the share log's demand (LaneDemand) counts it
      awaitingPermit.join(this, scope);
      permit.future().onComplete(done -> {
        awaitingPermit.leave(this);
        context.runOnContext(v -> pendingPermit = null);
      });
      context.runOnContext(v -> awaitToken(permit));
      return permit.future();
    }

    @Override
    public void atHead() {
      context.runOnContext(v -> {
        Promise<Void> permit = pendingPermit;
        if (permit != null && !permit.future().isComplete() && timer == -1) {
          awaitToken(permit);
        }
      });
    }

    /** The call left: its window at the provider starts now, however long after its permit. */
    void sent() {
      sentThisAttempt = true;
      long granted = grantedAtNanos;
      if (granted != 0) {
        limiter.onDeparture(granted);
      }
    }

    void awaitToken(Promise<Void> permit) {
      pendingPermit = permit;
      if (ended()) {
        permit.tryFail(new CancellationException("cancelled"));
        return;
      }
      // The breaker may have opened while this request waited for a token: hold it then,
      // or every request that passed before the first account failure would still call.
      if (breaker.state() == CircuitBreaker.State.OPEN && !probing) {
        permit.tryFail(new HeldByBreaker());
        return;
      }
      if (paused || budget.spent()) {
        // paused, or the budget spent, while it waited for a token: it waits on, holding no token
        timer = vertx.setTimer(holdRecheckMillis, id -> {
          timer = -1;
          awaitToken(permit);
        });
        return;
      }
      if (!awaitingPermit.isHead(this)) {
        return; // behind others that asked first: woken when it is at the head (atHead)
      }
      AdaptiveRateLimiter.Permit token = limiter.tryAcquire();
      if (!token.granted()) {
        timer = vertx.setTimer(ceilMillis(token.waitNanos()), id -> {
          timer = -1;
          awaitToken(permit);
        });
        return;
      }
      if (!budget.tryTake()) {
        // the day's budget is spent: held as for an account error, until the day turns or it is raised
        timer = vertx.setTimer(holdRecheckMillis, id -> {
          timer = -1;
          awaitToken(permit);
        });
        return;
      }
      grantedAtNanos = token.grantedAtNanos();
      permitsGranted.incrementAndGet();
      countedOnTheWire = true;
      onTheWire.incrementAndGet();
      departedNanos = nanoTime.getAsLong();
      permit.tryComplete();
    }

    void callOnce() {
      departedNanos = 0;
      grantedAtNanos = 0;
      sentThisAttempt = false;
      Future<R> call;
      try {
        call = attempt.start(new Gate(this::permit, this::sent, abort.future()));
      } catch (RuntimeException e) {
        call = Future.failedFuture(e);
      }
      call.onComplete((value, error) -> context.runOnContext(v -> answered(value, error)));
    }

    private void answered(R value, Throwable error) {
      if (countedOnTheWire) {
        countedOnTheWire = false;
        onTheWire.decrementAndGet();
      }
      if (ended()) {
        return; // cancelled meanwhile: the answer is dropped
      }
      if (error instanceof HeldByBreaker) {
        passBreaker(); // never sent: not a call, and the hold is not the request's fault
        return;
      }
      calls++;
      // a call that failed before its permit (say, no connection) took no time of the API's
      long callNanos = departedNanos == 0 ? 0 : nanoTime.getAsLong() - departedNanos;
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
    }

    private void succeed(R value) {
      probing = false;
      breaker.onSuccess();
      limiter.onSuccess();
      outcome.complete(new CallResult.Success<>(value, calls, serviceTime()));
    }

    private void fail(Throwable error, FailureKind kind) {
      boolean wasProbe = probing;
      probing = false;
      if (kind == FailureKind.ACCOUNT) {
        breaker.onAccountFailure();
        events.retryScheduled();
        passBreaker();
        return;
      }
      if (kind == FailureKind.UNANSWERED) {
        // no answer, no news of the account: a probe leaves the breaker open
        if (wasProbe) {
          breaker.onProbeUnanswered();
        }
      } else {
        // Any other answer shows the account can call.
        breaker.onSuccess();
      }
      if (kind == FailureKind.THROTTLED) {
        limiter.onThrottled();
      }
      // a repeat is the provider's doing; an attempt that never left (a pooled connection the
      // server closed while it waited for its permit) is nobody's: neither uses up the attempts,
      // and the deadline still bounds them
      if (kind != FailureKind.REPEATED && !(kind == FailureKind.UNANSWERED && !sentThisAttempt)) {
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
      after(ceilMillis(backoff.get().toNanos()), this::passBreaker);
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
