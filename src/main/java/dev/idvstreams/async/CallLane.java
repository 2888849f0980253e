package dev.idvstreams.async;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * One API's call machinery: its rate limiter, circuit breaker, retry policy and in-flight bound,
 * composed into one {@link AsyncCaller}. Knows nothing of what is called: the caller supplies each
 * attempt and a classifier for its failures.
 */
public final class CallLane<R> {

  /** One API's limits, from the configuration. */
  public record Settings(double qps, Duration arrivalGuard, int inFlightMax, double inFlightHeadroom, int maxAttempts,
      Duration backoffInitial, Duration backoffMax, Duration deadline, Duration probeInterval, Duration probeIntervalMax) {

    /** The same limits at another rate: for steps that are not paced by the account's limit. */
    public Settings withQps(double otherQps) {
      return new Settings(otherQps, arrivalGuard, inFlightMax, inFlightHeadroom, maxAttempts, backoffInitial, backoffMax,
          deadline, probeInterval, probeIntervalMax);
    }
  }
  /** Unknown until the first answer shows how long calls take ({@link #COLD_SERVICE_TIME} is assumed meanwhile). */
  private static final Duration INITIAL_SERVICE_TIME = Duration.ZERO;
  /**
   * What a call is taken to last until the API's first answer: long enough that calls of up to this
   * latency go on at the rate while the first answers are awaited (a bound of 1 left a second of a
   * 1 s API's limit unused at every start), and the departure window still holds the limit.
   */
  private static final Duration COLD_SERVICE_TIME = Duration.ofSeconds(5);
  private static final double SERVICE_TIME_SMOOTHING = 0.2;
  private static final Duration HOLD_RECHECK = Duration.ofMillis(200);
  /**
   * Admitted requests also wait for tokens, and one stream thread serves all APIs, so while it
   * waits at one API's bound the others need a backlog of their own to stay at their rate.
   */
  private static final Duration MIN_BACKLOG = Duration.ofMillis(500);

  private final AdaptiveRateLimiter limiter;
  private final CircuitBreaker breaker;
  private final ConcurrencyBound bound;
  private final AsyncCaller<R> caller;
  private final int inFlightMax;
  private double qps;
  private final AtomicInteger pending = new AtomicInteger();

  /**
   * @param held whether the lane starts with no share of the limit, granting nothing until
   *     {@link #setQuota} gives it one: a lane whose limit the group shares must not call before it
   *     knows its part
   */
  public CallLane(Vertx vertx, Settings settings, boolean held, Function<Throwable, FailureKind> classifier,
      CallEvents events) {
    this.limiter = new AdaptiveRateLimiter(settings.qps(),
        AdaptiveRateLimiter.Settings.defaults().withArrivalGuard(settings.arrivalGuard()), System::nanoTime);
    this.breaker = new CircuitBreaker(settings.probeInterval(), settings.probeIntervalMax(), 2.0, System::nanoTime);
    this.bound = new ConcurrencyBound(settings.inFlightHeadroom(), settings.inFlightMax(), SERVICE_TIME_SMOOTHING,
        INITIAL_SERVICE_TIME);
    RetryPolicy retry = new RetryPolicy(settings.backoffInitial(), settings.backoffMax(), settings.maxAttempts(),
        settings.deadline(), RetryPolicy.RETRYABLE_BY_DEFAULT, () -> ThreadLocalRandom.current().nextDouble());
    this.caller = new AsyncCaller<>(vertx, limiter, breaker, retry, classifier, HOLD_RECHECK, System::nanoTime, events);
    this.inFlightMax = settings.inFlightMax();
    this.qps = settings.qps();
    if (held) {
      limiter.setShare(0);
    }
    limiter.settle();
  }

  /** Starts one request's attempts and returns at once; see {@link AsyncCaller#call}. */
  public Future<CallResult<R>> call(AsyncCaller.Attempt<R> attempt, CancelScope scope) {
    pending.incrementAndGet();
    return caller.call(attempt, scope).onComplete(done -> pending.decrementAndGet());
  }

  /**
   * The API's {@code in-flight.max}: the ceiling above its bound, which the instance's invoker
   * checks before it starts a call (as it checks the bound).
   */
  public int inFlightMax() {
    return inFlightMax;
  }

  /**
   * Little's law on the service time, but never less than {@link #MIN_BACKLOG} of calls at the
   * current rate. Until the API's first answer, calls are taken to last {@link #COLD_SERVICE_TIME}.
   */
  public int inFlightBound() {
    double rate = limiter.currentRate();
    if (bound.averageServiceTime().isZero()) {
      return Math.min(inFlightMax, Math.max(1, (int) Math.ceil(rate * COLD_SERVICE_TIME.toMillis() / 1000.0)));
    }
    int backlog = (int) Math.ceil(rate * MIN_BACKLOG.toMillis() / 1000.0);
    return Math.min(inFlightMax, Math.max(backlog, bound.boundFor(rate)));
  }

  /**
   * Whether this API's requests are held: by the breaker (open or half-open), paused by an
   * operator, or for the day's budget. No slot frees until that ends.
   */
  public boolean isHeld() {
    return caller.isPaused() || caller.budget().spent() || breakerHolds();
  }

  /** Whether the breaker holds this API's requests (open or half-open). */
  public boolean breakerHolds() {
    return breaker.state() != CircuitBreaker.State.CLOSED;
  }

  /**
   * Pauses or resumes the API: while paused, its requests are held as for an account error, no
   * attempt leaves; those under way when it starts end as they would.
   */
  public void setPaused(boolean paused) {
    caller.setPaused(paused);
  }

  public boolean isPaused() {
    return caller.isPaused();
  }

  /** The day's call budget this lane's attempts take their calls from (the cost guard). */
  public void setBudget(CallBudget budget) {
    caller.setBudget(budget);
  }

  /**
   * The account's QPS limit for the API has changed: this instance's part keeps its calls per
   * second, at most the new limit ({@link AdaptiveRateLimiter#setAccountLimit}), until the group's
   * split moves it ({@link #setQuota}).
   */
  public synchronized void setLimit(double limit) {
    qps = limit;
    limiter.setAccountLimit(limit);
  }

  /** Feeds a completed request's service time to the in-flight bound. */
  public void recordServiceTime(Duration serviceTime) {
    bound.recordServiceTime(serviceTime);
  }

  /** Requests started and not finished: in a call, waiting for a token, in backoff or held. */
  public int pending() {
    return pending.get();
  }

  /**
   * Requests that will still take a permit: started and not finished, and not waiting for an
   * answer (being prepared, waiting for a token, in backoff or held). A demand for the limit counts
   * them as work left, so that a part is not given up under them.
   */
  public int notSent() {
    return Math.max(0, pending.get() - caller.onTheWire());
  }

  /** Attempts that wait for a token now: calls this instance could make at once with more of the limit. */
  public int awaitingPermit() {
    return caller.awaitingPermit();
  }

  /** Tokens granted since the start: every attempt counts. */
  public long permitsGranted() {
    return caller.permitsGranted();
  }

  /** The group has rebalanced: calls resume with a wide arrival guard ({@link AdaptiveRateLimiter#settle()}). */
  public void settle() {
    limiter.settle();
  }

  /** The limiter's arrival guard now: the configured one, wider after throttled answers. */
  public Duration arrivalGuard() {
    return limiter.arrivalGuard();
  }

  /** Calls per second the limiter permits now. */
  public double permittedRate() {
    return limiter.currentRate();
  }

  /**
   * The calls per second this instance may make of the API's limit, at most the limit: fewer at
   * once, more after {@code increaseDelay}, the time until the calls made under the part taken
   * over have left every window, as the group knows it ({@link AdaptiveRateLimiter#setShare}).
   */
  public synchronized void setQuota(int callsPerSecond, Duration increaseDelay) {
    limiter.setShare(Math.min(1.0, callsPerSecond / qps), increaseDelay);
  }

  /** How many of this lane's calls left within its window: the last second and its arrival guard. */
  public int callsInWindow() {
    return limiter.departuresInWindow();
  }

  /**
   * How many milliseconds ago this lane's newest call left that is not among its {@code calls}
   * newest (its last call, for 0); empty if it made none in the last two seconds.
   */
  public OptionalLong millisSinceCallBeyond(int calls) {
    OptionalLong nanos = limiter.nanosSinceDepartureBeyond(calls);
    return nanos.isPresent() ? OptionalLong.of(nanos.getAsLong() / 1_000_000) : nanos;
  }
}
