package dev.idvstreams.async;

import io.github.bucket4j.Bandwidth;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.BucketConfiguration;
import io.github.bucket4j.ConsumptionProbe;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.TokensInheritanceStrategy;
import java.time.Duration;
import java.util.OptionalLong;
import java.util.function.LongSupplier;

/**
 * The call rate for one API: a token bucket at this instance's share of the account's QPS limit,
 * lowered multiplicatively when the provider throttles and raised additively on success (AIMD).
 *
 * <p>Two parts pace the calls. The bucket holds one permit, refilled every 1/rate seconds, so
 * permits are at least 1/rate apart: the calls are spread evenly (a larger bucket would let a burst
 * at the start of a window and a full refill inside it add up to twice the limit). The
 * {@link DepartureWindow} holds the limit itself: at most {@code floor(ceiling)} calls in any
 * second plus {@code arrivalGuard}, counted on when each call really left ({@link #onDeparture}),
 * so a call that leaves late cannot let the next ones crowd its window at the provider, and a
 * late call costs only its own delay, not a shift of every later permit. The guard adapts: a
 * throttled answer shows that arrivals needed more room than it gave, and doubles it (at most
 * 250 ms); each quiet minute gives half of the widening back.
 *
 * <p>The instance's share of the account limit can change (a rebalance moves partitions between
 * instances): a lower share applies at once, a higher one only after {@code shareIncreaseDelay},
 * so that the calls another instance made under the share it has just given up have left every
 * 1-second window before this one uses it. A share of 0 grants nothing.
 *
 * <p>Non-blocking only: {@link #tryAcquire()} never waits, so it is safe on a Vert.x
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
   * @param arrivalGuard how much more than a second separates a call from the {@code limit}-th
   *     call before it: the room for two calls' network delays to differ on the way to the provider
   */
  public record Settings(double decreaseFactor, Duration decreaseCooldown, double recoveryStep,
      Duration recoveryInterval, double floor, Duration shareIncreaseDelay, Duration arrivalGuard) {

    public Settings {
      if (!(decreaseFactor > 0 && decreaseFactor < 1)) {
        throw new IllegalArgumentException("decreaseFactor must be in (0, 1), was " + decreaseFactor);
      }
      if (!(recoveryStep > 0) || !(floor > 0)) {
        throw new IllegalArgumentException("recoveryStep and floor must be positive");
      }
      if (arrivalGuard.isNegative()) {
        throw new IllegalArgumentException("arrivalGuard must not be negative, was " + arrivalGuard);
      }
    }

    /**
     * Halve on throttling, at most once a second; add 1 QPS a second back; never below 0.5 QPS; a
     * higher share after 1.5 s (a 1-second window and the arrival jitter, with room to spare); 20 ms
     * of arrival guard (see {@link #withArrivalGuard}).
     */
    public static Settings defaults() {
      return new Settings(0.5, Duration.ofSeconds(1), 1.0, Duration.ofSeconds(1), 0.5, Duration.ofMillis(1500),
          Duration.ofMillis(20));
    }

    /** The same settings with another arrival guard: a wider one costs rate (1 / (1 s + guard)), a narrower one risks throttling. */
    public Settings withArrivalGuard(Duration guard) {
      return new Settings(decreaseFactor, decreaseCooldown, recoveryStep, recoveryInterval, floor, shareIncreaseDelay,
          guard);
    }
  }

  /** A permit asked for: granted ({@code waitNanos} 0) at {@code grantedAtNanos}, or to be asked again after {@code waitNanos}. */
  public record Permit(long waitNanos, long grantedAtNanos) {
    public boolean granted() {
      return waitNanos == 0;
    }
  }

  private double accountLimit;
  private final Settings settings;
  private final LongSupplier nanoTime;
  private final Bucket bucket;
  private final DepartureWindow window;

  /**
   * A permit is this many of the bucket's tokens, refilled one by one: a rate change keeps what
   * has refilled of the next permit. Bucket4j drops the fraction of a token when a raise replaces
   * its configuration, so with one token a permit every raise started the next permit's wait
   * over, up to 1/rate late.
   */
  private static final long UNITS_PER_PERMIT = 1000;
  /** How soon a caller held by a share of 0 asks again. */
  private static final long HELD_RECHECK_NANOS = Duration.ofMillis(50).toNanos();
  /** How long without a throttled answer before the arrival guard gives back half of its widening. */
  private static final long GUARD_QUIET_NANOS = Duration.ofSeconds(60).toNanos();
  /** While settling ({@link #settle()}): the guard starts at least this wide, or twice the configured one. */
  static final Duration SETTLING_GUARD = Duration.ofMillis(50);
  /** While settling: half of the guard's widening is given back after each such step without a throttled answer. */
  static final Duration SETTLING_STEP = Duration.ofSeconds(5);

  private volatile double share = 1.0;
  private volatile double rate;
  /** A higher share waiting for its delay; {@link #pendingShareAtNanos} is when it applies. */
  private volatile boolean sharePending;
  private double pendingShare;
  private long pendingShareAtNanos;
  private long lastDecreaseNanos;
  /** When the provider last throttled, or the guard last narrowed: the guard narrows after a quiet minute. */
  private long lastThrottleNanos;
  private long lastChangeNanos;
  /** Since {@link #settle()}, until the guard is back to the configured one: it narrows by {@link #SETTLING_STEP}. */
  private boolean settling;

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
    this.lastThrottleNanos = now;
    this.bucket = Bucket.builder()
        .withCustomTimePrecision(new InjectedTimeMeter(nanoTime))
        .addLimit(onePermitEvery(rate))
        .build();
    this.window = new DepartureWindow(settings.arrivalGuard().toNanos());
    window.resize(callsPerWindow());
  }

  /**
   * Calls are about to start after the process started or the group rebalanced: when JIT, GC and
   * a machine shared with starting JVMs make arrivals jitter most. The guard starts wide and
   * narrows back to the configured one as calls stay unthrottled, so that a JVM started beside a
   * running group earns no throttled answer, for a few percent of the limit in its first half
   * minute (1 s + 50 ms: 0.95 of the limit, then 35, 27.5, ... ms, a step every 5 s).
   */
  public synchronized void settle() {
    window.widenTo(Math.max(2 * settings.arrivalGuard().toNanos(), SETTLING_GUARD.toNanos()));
    settling = !window.atBaseGuard();
    lastThrottleNanos = nanoTime.getAsLong();
  }

  /** Takes a permit if a call may go now, else says how long to wait before asking again. */
  public synchronized Permit tryAcquire() {
    applyPendingShare();
    long now = nanoTime.getAsLong();
    if (rate == 0) {
      return waitAtMostUntilPendingShare(HELD_RECHECK_NANOS, now);
    }
    long windowWait = window.delayNanos(now);
    if (windowWait > 0) {
      return waitAtMostUntilPendingShare(windowWait, now);
    }
    ConsumptionProbe probe = bucket.tryConsumeAndReturnRemaining(UNITS_PER_PERMIT);
    if (!probe.isConsumed()) {
      return waitAtMostUntilPendingShare(Math.max(1, probe.getNanosToWaitForRefill()), now);
    }
    window.granted(now);
    return new Permit(0, now);
  }

  /**
   * A wait, cut short where a higher share applies sooner: the caller asks again as the share rises,
   * not at the pace of the lower one (1/rate, a third of a second at 3 calls a second, lost at
   * every raise of the last member with work in the rolling benchmark).
   */
  private Permit waitAtMostUntilPendingShare(long waitNanos, long now) {
    if (sharePending && pendingShareAtNanos - now < waitNanos) {
      return new Permit(Math.max(1, pendingShareAtNanos - now), 0);
    }
    return new Permit(waitNanos, 0);
  }

  /**
   * The call permitted at {@code grantedAtNanos} (its {@link Permit#grantedAtNanos()}) has just
   * left, after its write, on a busy event loop perhaps well after its permit: its window at the
   * provider starts now.
   */
  public synchronized void onDeparture(long grantedAtNanos) {
    long now = nanoTime.getAsLong();
    window.departed(grantedAtNanos, now);
  }

  /** How many calls left within the window: the last second and the arrival guard. */
  public synchronized int departuresInWindow() {
    return window.departuresInWindow(nanoTime.getAsLong());
  }

  /**
   * How long ago the newest call left that is not among the {@code calls} newest (the last call,
   * for 0); empty if none left in the last two seconds.
   */
  public synchronized OptionalLong nanosSinceDepartureBeyond(int calls) {
    long nanos = window.nanosSinceDepartureBeyond(calls, nanoTime.getAsLong());
    return nanos < 0 ? OptionalLong.empty() : OptionalLong.of(nanos);
  }

  /** The provider throttled a call: cut the rate, unless it was cut within the cooldown. */
  public synchronized void onThrottled() {
    long now = nanoTime.getAsLong();
    lastThrottleNanos = now;
    settling = false; // the network needs the room: from now on the guard narrows after quiet minutes
    if (now - lastDecreaseNanos < settings.decreaseCooldown().toNanos()) {
      return;
    }
    lastDecreaseNanos = now;
    window.widenGuard();
    changeRate(Math.max(floor(), rate * settings.decreaseFactor()), now);
  }

  /** A call succeeded: raise the rate by a step, if a recovery interval has passed since the last change. */
  public synchronized void onSuccess() {
    long now = nanoTime.getAsLong();
    if (now - lastThrottleNanos >= (settling ? SETTLING_STEP.toNanos() : GUARD_QUIET_NANOS)) {
      lastThrottleNanos = now;
      window.narrowGuard();
      settling = settling && !window.atBaseGuard();
    }
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
    setShare(share, settings.shareIncreaseDelay());
  }

  /**
   * {@link #setShare(double)} with the delay of a higher share given: the caller knows how long
   * ago the calls made under the share it takes over left (0 when they left every window already).
   * A higher share never applies sooner than one already waiting would have. This limiter's own
   * calls need no wait: its window keeps every departure of the last two seconds, whatever the
   * share was when they left.
   */
  public synchronized void setShare(double share, Duration increaseDelay) {
    if (!(share >= 0 && share <= 1)) {
      throw new IllegalArgumentException("share must be in [0, 1], was " + share);
    }
    long now = nanoTime.getAsLong();
    if (share > this.share) {
      // never sooner than a higher share already waiting: that one's delay was what the group knew
      // then (this limiter's own calls count in its window whatever the share was when they left)
      long at = now + Math.max(0, increaseDelay.toNanos());
      if (sharePending) {
        at = Math.max(at, pendingShareAtNanos);
      }
      if (at - now <= 0) {
        sharePending = false;
        applyShare(share, now);
      } else if (!sharePending || share != pendingShare || at != pendingShareAtNanos) {
        pendingShare = share;
        pendingShareAtNanos = at;
        sharePending = true;
      }
      return;
    }
    sharePending = false;
    applyShare(share, now);
  }

  /**
   * The account's limit for the API has changed (an operator set it through the control topic).
   * This instance's part stays the same number of calls per second, at most the new limit, so a
   * lower limit that cuts the part applies at once and nothing rises here: the group's split moves
   * the parts to the new limit ({@link #setShare(double, Duration)}).
   */
  public synchronized void setAccountLimit(double limit) {
    if (!(limit > 0)) {
      throw new IllegalArgumentException("accountLimit must be positive, was " + limit);
    }
    if (limit == accountLimit) {
      return;
    }
    long now = nanoTime.getAsLong();
    double factor = accountLimit / limit;
    if (sharePending) {
      pendingShare = Math.min(1.0, pendingShare * factor);
    }
    double part = Math.min(1.0, share * factor);
    double proportion = ceiling() == 0 ? 1.0 : rate / ceiling();
    accountLimit = limit;
    share = part;
    window.resize(callsPerWindow());
    changeRate(Math.max(floor(), proportion * ceiling()), now);
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
    window.resize(callsPerWindow());
    changeRate(Math.max(floor(), proportion * ceiling()), now);
  }

  /** Whole calls per window: the group splits a limit in whole calls, and a fraction of a call cannot leave. */
  private int callsPerWindow() {
    double ceiling = accountLimit * share;
    return ceiling <= 0 ? 0 : Math.max(1, (int) Math.floor(ceiling + 1e-9));
  }

  /** How much more than a second separates a call from the {@code limit}-th before it now: the configured guard, or wider after throttled answers. */
  public synchronized Duration arrivalGuard() {
    return Duration.ofNanos(window.guardNanos());
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
      return; // tryAcquire grants nothing; the bucket keeps its last configuration
    }
    // AS_IS keeps the tokens refilled so far: what the next permit has gathered counts at the new
    // pace, and a change never hands out an extra permit.
    bucket.replaceConfiguration(
        BucketConfiguration.builder().addLimit(onePermitEvery(newRate)).build(),
        TokensInheritanceStrategy.AS_IS);
  }

  private static Bandwidth onePermitEvery(double ratePerSecond) {
    // Rounded up: a period even a nanosecond short would let rate + 1 permits into some second.
    long periodNanos = (long) Math.ceil(1e9 / ratePerSecond);
    return Bandwidth.builder().capacity(UNITS_PER_PERMIT).refillGreedy(UNITS_PER_PERMIT, Duration.ofNanos(periodNanos))
        .build();
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
