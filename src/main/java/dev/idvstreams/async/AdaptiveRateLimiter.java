package dev.idvstreams.async;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.TokensInheritanceStrategy;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * The call rate for one API: a token bucket at this instance's share of the account's QPS limit,
 * lowered multiplicatively when the provider throttles and raised additively on success (AIMD).
 *
 * <p>The bucket holds one token, refilled every 1/rate seconds, so permits are at least 1/rate
 * apart and no window of one second ever sees more than rate permits. A larger bucket would let a
 * burst at the start of a window and a full refill inside it add up to twice the limit.
 *
 * <p>The instance's share of the account limit can change (a rebalance moves partitions between
 * instances): a lower share applies at once, a higher one only after {@code shareIncreaseDelay},
 * so that the calls another instance made under the share it has just given up have left every
 * 1-second window before this one uses it. A share of 0 grants nothing.
 *
 * <p>Non-blocking only: {@link #tryAcquireOrDelayNanos()} never waits, so it is safe on a Vert.x
 * event loop. Thread-safe.
 */
public final class AdaptiveRateLimiter {

  /**
   * @param decreaseFactor the rate is multiplied by this on throttling, in (0, 1)
   * @param decreaseCooldown throttles within this time of a decrease count as the same one:
   *     they answer calls made before the rate was lowered
   * @param recoveryStep QPS added per recovery interval while calls succeed
   * @param recoveryInterval the time between two increases, and from a decrease to the first
   * @param floor the lowest rate in QPS, kept even when throttled
   * @param shareIncreaseDelay how long a higher share waits before it applies
   */
  public record Settings(double decreaseFactor, Duration decreaseCooldown, double recoveryStep,
      Duration recoveryInterval, double floor, Duration shareIncreaseDelay) {

    public Settings {
      if (!(decreaseFactor > 0 && decreaseFactor < 1)) {
        throw new IllegalArgumentException("decreaseFactor must be in (0, 1), was " + decreaseFactor);
      }
      if (!(recoveryStep > 0) || !(floor > 0)) {
        throw new IllegalArgumentException("recoveryStep and floor must be positive");
      }
    }

    /**
     * Halve on throttling, at most once a second; add 1 QPS a second back; never below 0.5 QPS; a
     * higher share after 1.5 s (a 1-second window and the arrival jitter, with room to spare).
     */
    public static Settings defaults() {
      return new Settings(0.5, Duration.ofSeconds(1), 1.0, Duration.ofSeconds(1), 0.5, Duration.ofMillis(1500));
    }
  }

  private final double accountLimit;
  private final Settings settings;
  private final LongSupplier nanoTime;
  private final Bucket bucket;

  /**
   * A permit is this many units of the bucket, so that a fraction of a permit (a late
   * departure's delay) can be taken from it.
   */
  private static final long UNITS_PER_PERMIT = 1_000;
  /** How soon a caller held by a share of 0 asks again. */
  private static final long HELD_RECHECK_NANOS = Duration.ofMillis(50).toNanos();

  private volatile double share = 1.0;
  private volatile double rate;
  /** A higher share waiting for its delay; {@link #pendingShareAtNanos} is when it applies. */
  private volatile boolean sharePending;
  private double pendingShare;
  private long pendingShareAtNanos;
  private long lastDecreaseNanos;
  private long lastChangeNanos;

  /**
   * @param accountLimit the account's QPS limit for this API
   * @param nanoTime the clock, also driving the bucket's refill
   */
  public AdaptiveRateLimiter(double accountLimit, Settings settings, LongSupplier nanoTime) {
    if (!(accountLimit > 0)) {
      throw new IllegalArgumentException("accountLimit must be positive, was " + accountLimit);
    }
    this.accountLimit = accountLimit;
    this.settings = settings;
    this.nanoTime = nanoTime;
    this.rate = accountLimit;
    long now = nanoTime.getAsLong();
    this.lastChangeNanos = now;
    this.lastDecreaseNanos = now - settings.decreaseCooldown().toNanos();
    this.bucket = Bucket.builder()
        .withCustomTimePrecision(new InjectedTimeMeter(nanoTime))
        .addLimit(oneTokenEvery(rate))
        .build();
  }

  /** @return 0 if a call may go now (the permit is taken), else the nanoseconds to wait before asking again */
  public long tryAcquireOrDelayNanos() {
    applyPendingShare();
    if (rate == 0) {
      return HELD_RECHECK_NANOS;
    }
    ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(UNITS_PER_PERMIT);
    return probe.isConsumed() ? 0 : Math.max(1, probe.getNanosToWaitForRefill());
  }

  /** The provider throttled a call: cut the rate, unless it was cut within the cooldown. */
  public synchronized void onThrottled() {
    long now = nanoTime.getAsLong();
    if (now - lastDecreaseNanos < settings.decreaseCooldown().toNanos()) {
      return;
    }
    lastDecreaseNanos = now;
    changeRate(Math.max(floor(), rate * settings.decreaseFactor()), now);
  }

  /** A call succeeded: raise the rate by a step, if a recovery interval has passed since the last change. */
  public synchronized void onSuccess() {
    long now = nanoTime.getAsLong();
    if (rate >= ceiling() || now - lastChangeNanos < settings.recoveryInterval().toNanos()) {
      return;
    }
    changeRate(Math.min(ceiling(), rate + settings.recoveryStep()), now);
  }

  /**
   * Sets this instance's share of the account limit, so that all instances together stay within
   * the limit: a lower share at once, a higher one after {@code shareIncreaseDelay} (a lower share
   * set meanwhile cancels it). The current rate keeps its proportion to the ceiling: a throttled
   * instance stays as far below its new ceiling as it was below the old.
   *
   * @param share in [0, 1]; 0 grants nothing
   */
  public synchronized void setShare(double share) {
    if (!(share >= 0 && share <= 1)) {
      throw new IllegalArgumentException("share must be in [0, 1], was " + share);
    }
    long now = nanoTime.getAsLong();
    if (share > this.share) {
      if (!sharePending || share != pendingShare) {
        pendingShare = share;
        pendingShareAtNanos = now + settings.shareIncreaseDelay().toNanos();
        sharePending = true;
      }
      return;
    }
    sharePending = false;
    applyShare(share, now);
  }

  /** Applies a higher share whose delay has passed; the volatile check keeps the hot path lock-free. */
  private void applyPendingShare() {
    if (sharePending) {
      applyDueShare();
    }
  }

  private synchronized void applyDueShare() {
    long now = nanoTime.getAsLong();
    if (sharePending && now - pendingShareAtNanos >= 0) {
      sharePending = false;
      applyShare(pendingShare, now);
    }
  }

  private void applyShare(double newShare, long now) {
    double proportion = ceiling() == 0 ? 1.0 : rate / ceiling();
    this.share = newShare;
    changeRate(Math.max(floor(), proportion * ceiling()), now);
  }

  /** The rate permits are currently granted at, in QPS; 0 while the share is 0. */
  public double currentRate() {
    applyPendingShare();
    return rate;
  }

  /** The highest rate this instance may reach: account limit × share. */
  public double ceiling() {
    applyPendingShare();
    return accountLimit * share;
  }

  private double floor() {
    return Math.min(settings.floor(), ceiling());
  }

  private void changeRate(double newRate, long now) {
    lastChangeNanos = now;
    if (newRate == rate) {
      return;
    }
    rate = newRate;
    if (newRate == 0) {
      return; // tryAcquireOrDelayNanos grants nothing; the bucket keeps its last configuration
    }
    // AS_IS keeps the partial token, so a change never hands out an extra permit.
    bucket.replaceConfiguration(
        BucketConfiguration.builder().addLimit(oneTokenEvery(newRate)).build(),
        TokensInheritanceStrategy.AS_IS);
  }

  private static Bandwidth oneTokenEvery(double ratePerSecond) {
    // Rounded up: a period even a nanosecond short would let rate + 1 permits into some second.
    long periodNanos = (long) Math.ceil(1e9 / ratePerSecond);
    return Bandwidth.builder().capacity(UNITS_PER_PERMIT).refillGreedy(UNITS_PER_PERMIT, Duration.ofNanos(periodNanos))
        .build();
  }

  /**
   * A permitted call left {@code lateNanos} after its permit (a cold connection, a busy event
   * loop): the next permit moves as much later, so that the calls after it cannot catch up with
   * it and crowd one 1-second window at the API. Pacing follows when calls left, not when they
   * were allowed to.
   */
  public void onLateDeparture(long lateNanos) {
    double rateNow = rate;
    if (lateNanos <= 0 || rateNow == 0) {
      return;
    }
    long units = Math.round(UNITS_PER_PERMIT * lateNanos * rateNow / 1e9);
    if (units > 0) {
      bucket.consumeIgnoringRateLimits(Math.min(units, UNITS_PER_PERMIT));
    }
  }

  private record InjectedTimeMeter(LongSupplier nanoTime) implements TimeMeter {
    @Override
    public long currentTimeNanos() {
      return nanoTime.getAsLong();
    }

    @Override
    public boolean isWallClockBased() {
      return false;
    }
  }
}
