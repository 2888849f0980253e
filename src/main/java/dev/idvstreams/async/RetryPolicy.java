package dev.idvstreams.async;

import java.time.Duration;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;
import java.util.function.DoubleSupplier;

/**
 * When to try a failed call again: exponential backoff with full jitter (a delay drawn uniformly
 * from [0, min(cap, base × 2^(attempts − 1))), which spreads retries of many requests that failed
 * together), a maximum number of attempts and an overall deadline.
 */
public final class RetryPolicy {

  /** The kinds that calling again can fix. */
  public static final Set<FailureKind> RETRYABLE_BY_DEFAULT =
      EnumSet.of(FailureKind.THROTTLED, FailureKind.TRANSIENT, FailureKind.UNANSWERED, FailureKind.REPEATED);

  private final Duration base;
  private final Duration cap;
  private final int maxAttempts;
  private final Duration deadline;
  private final Set<FailureKind> retryable;
  private final DoubleSupplier uniform;

  /**
   * @param base the backoff ceiling after the first failed attempt
   * @param cap the largest backoff ceiling
   * @param maxAttempts the most attempts a request may make, the first included
   * @param deadline no attempt is scheduled to start later than this after the first one
   * @param retryable the failure kinds worth another attempt
   * @param uniform draws from [0, 1): the jitter source
   */
  public RetryPolicy(Duration base, Duration cap, int maxAttempts, Duration deadline,
      Set<FailureKind> retryable, DoubleSupplier uniform) {
    if (base.isNegative() || base.isZero() || cap.compareTo(base) < 0) {
      throw new IllegalArgumentException("need 0 < base <= cap, was base " + base + ", cap " + cap);
    }
    if (maxAttempts < 1) {
      throw new IllegalArgumentException("maxAttempts must be at least 1, was " + maxAttempts);
    }
    this.base = base;
    this.cap = cap;
    this.maxAttempts = maxAttempts;
    this.deadline = deadline;
    this.retryable = Set.copyOf(retryable);
    this.uniform = uniform;
  }

  public boolean isRetryable(FailureKind kind) {
    return retryable.contains(kind);
  }

  /**
   * @param attemptsSoFar attempts made, all failed (at least 1)
   * @param elapsed time since the first attempt started
   * @return how long to wait before the next attempt, or empty to give up
   */
  public Optional<Duration> nextDelay(int attemptsSoFar, Duration elapsed) {
    return nextDelay(attemptsSoFar, attemptsSoFar, elapsed);
  }

  /**
   * @param budgetedAttempts failed attempts that count against the maximum
   * @param retriesSoFar every failed attempt, which sets the backoff's ceiling
   * @param elapsed time since the first attempt started
   * @return how long to wait before the next attempt, or empty to give up
   */
  public Optional<Duration> nextDelay(int budgetedAttempts, int retriesSoFar, Duration elapsed) {
    if (budgetedAttempts >= maxAttempts) {
      return Optional.empty();
    }
    // 2^62 × base would overflow; by then the cap has long been reached.
    int doublings = Math.min(Math.max(retriesSoFar - 1, 0), 62);
    double ceilingNanos = Math.min(cap.toNanos(), base.toNanos() * Math.pow(2, doublings));
    Duration delay = Duration.ofNanos((long) (uniform.getAsDouble() * ceilingNanos));
    if (elapsed.plus(delay).compareTo(deadline) > 0) {
      return Optional.empty();
    }
    return Optional.of(delay);
  }
}
