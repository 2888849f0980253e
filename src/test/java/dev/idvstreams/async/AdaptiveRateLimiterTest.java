package dev.idvstreams.async;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.github.bucket4j.Bucket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.function.LongSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class AdaptiveRateLimiterTest {

  private static final long SECOND = Duration.ofSeconds(1).toNanos();

  private final ManualClock clock = new ManualClock();

  private AdaptiveRateLimiter limiter(double limit) {
    return new AdaptiveRateLimiter(limit, AdaptiveRateLimiter.Settings.defaults(), clock);
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 3, 7, 10, 20, 50})
  void shouldNeverGrantMoreThanLimitInAnyOneSecondWindow(int limit) {
    AdaptiveRateLimiter limiter = limiter(limit);

    List<Long> grants = grantsToEagerCaller(acquire(limiter), Duration.ofSeconds(10), 0);

    assertThat(maxInAnyWindow(grants, SECOND)).isEqualTo(limit);
    assertThat(grants).as("the limiter does not starve an eager caller: a limit per second and 20 ms")
        .hasSizeGreaterThanOrEqualTo((int) (0.98 * 10 * limit));
  }

  @ParameterizedTest
  @ValueSource(ints = {3, 20, 50})
  void shouldStayWithinLimitWhenCallerAsksLateByRandomAmounts(int limit) {
    AdaptiveRateLimiter limiter = limiter(limit);

    List<Long> grants = grantsToEagerCaller(acquire(limiter), Duration.ofSeconds(10),
        Duration.ofMillis(3).toNanos());

    assertThat(maxInAnyWindow(grants, SECOND)).isLessThanOrEqualTo(limit);
  }

  @Test
  void windowCheckShouldCatchAGreedyBucketOfCapacityN() {
    Bucket bursty = Bucket.builder()
        .withCustomTimePrecision(new io.github.bucket4j.TimeMeter() {
          @Override
          public long currentTimeNanos() {
            return clock.getAsLong();
          }

          @Override
          public boolean isWallClockBased() {
            return false;
          }
        })
        .addLimit(limit -> limit.capacity(10).refillGreedy(10, Duration.ofSeconds(1)))
        .build();
    LongSupplier acquire = () -> {
      var probe = bursty.tryConsumeAndReturnRemaining(1);
      return probe.isConsumed() ? 0 : probe.getNanosToWaitForRefill();
    };

    List<Long> grants = grantsToEagerCaller(acquire, Duration.ofSeconds(3), 0);

    assertThat(maxInAnyWindow(grants, SECOND)).as("the burst the one-permit bucket avoids").isGreaterThan(10);
  }

  @Test
  void shouldReturnTheDelayUntilTheNextPermit() {
    AdaptiveRateLimiter limiter = limiter(10);

    assertThat(limiter.tryAcquire().waitNanos()).isZero();
    assertThat(limiter.tryAcquire().waitNanos()).isEqualTo(Duration.ofMillis(100).toNanos());
    clock.advance(Duration.ofMillis(60));
    assertThat(limiter.tryAcquire().waitNanos()).isEqualTo(Duration.ofMillis(40).toNanos());
    clock.advance(Duration.ofMillis(40));
    assertThat(limiter.tryAcquire().waitNanos()).isZero();
  }

  @Test
  void shouldHalveTheRateOnceForABurstOfThrottles() {
    AdaptiveRateLimiter limiter = limiter(20);

    limiter.onThrottled();
    clock.advance(Duration.ofMillis(500));
    limiter.onThrottled();
    assertThat(limiter.currentRate()).isEqualTo(10);

    clock.advance(Duration.ofMillis(500));
    limiter.onThrottled();
    assertThat(limiter.currentRate()).isEqualTo(5);
  }

  @Test
  void shouldNotCutTheRateBelowTheFloor() {
    AdaptiveRateLimiter limiter = limiter(2);

    for (int i = 0; i < 5; i++) {
      limiter.onThrottled();
      clock.advance(Duration.ofSeconds(1));
    }

    assertThat(limiter.currentRate()).isEqualTo(0.5);
  }

  @Test
  void shouldGrantAtTheLoweredRateAfterAThrottle() {
    AdaptiveRateLimiter limiter = limiter(20);
    limiter.tryAcquire().waitNanos();

    limiter.onThrottled();

    List<Long> grants = grantsToEagerCaller(acquire(limiter), Duration.ofSeconds(5), 0);
    assertThat(maxInAnyWindow(grants, SECOND)).isEqualTo(10);
    assertThat(grants.get(1) - grants.get(0)).isEqualTo(Duration.ofMillis(100).toNanos());
  }

  @Test
  void shouldNotHandOutAnExtraPermitWhenTheRateIsCut() {
    AdaptiveRateLimiter limiter = limiter(20);
    limiter.tryAcquire().waitNanos();
    clock.advance(Duration.ofMillis(25));

    limiter.onThrottled();

    assertThat(limiter.tryAcquire().waitNanos()).as("the half permit earned at 20/s waits out half a 10/s period")
        .isEqualTo(Duration.ofMillis(50).toNanos());
  }

  @Test
  void shouldStayWithinTheLimitWhileTheRateMovesUpAndDown() {
    AdaptiveRateLimiter limiter = limiter(20);
    SplittableRandom random = new SplittableRandom(7);
    long end = clock.getAsLong() + Duration.ofSeconds(120).toNanos();
    List<Long> grants = new ArrayList<>();
    double lowest = limiter.currentRate();
    while (clock.getAsLong() < end) {
      long delay = limiter.tryAcquire().waitNanos();
      if (delay > 0) {
        clock.advanceNanos(delay);
        continue;
      }
      grants.add(clock.getAsLong());
      if (random.nextInt(20) == 0) {
        limiter.onThrottled();
      } else {
        limiter.onSuccess();
      }
      lowest = Math.min(lowest, limiter.currentRate());
    }

    assertThat(lowest).as("the rate did move").isLessThanOrEqualTo(5);
    assertThat(maxInAnyWindow(grants, SECOND)).isLessThanOrEqualTo(20);
  }

  @Test
  void shouldRecoverAdditivelyOneStepPerIntervalUpToTheCeiling() {
    AdaptiveRateLimiter limiter = limiter(20);
    limiter.onThrottled();

    limiter.onSuccess();
    assertThat(limiter.currentRate()).as("no recovery within the interval after a cut").isEqualTo(10);

    List<Double> rates = new ArrayList<>();
    for (int second = 0; second < 12; second++) {
      clock.advance(Duration.ofSeconds(1));
      limiter.onSuccess();
      limiter.onSuccess();
      rates.add(limiter.currentRate());
    }

    assertThat(rates).containsExactly(11.0, 12.0, 13.0, 14.0, 15.0, 16.0, 17.0, 18.0, 19.0, 20.0, 20.0, 20.0);
  }

  @Test
  void shouldTakeItsShareOfTheAccountLimit() {
    AdaptiveRateLimiter limiter = limiter(20);

    limiter.setShare(0.25);

    assertThat(limiter.ceiling()).isEqualTo(5);
    assertThat(limiter.currentRate()).isEqualTo(5);
    clock.advance(Duration.ofSeconds(1));
    List<Long> grants = grantsToEagerCaller(acquire(limiter), Duration.ofSeconds(5), 0);
    assertThat(maxInAnyWindow(grants, SECOND)).isEqualTo(5);
  }

  @Test
  void shouldApplyAHigherShareAfterTheDelayGivenAndNeverSoonerThanOneAlreadyWaiting() {
    AdaptiveRateLimiter limiter = limiter(20);
    limiter.setShare(0);

    limiter.setShare(0.25, Duration.ZERO);
    assertThat(limiter.ceiling()).as("nothing given up to wait for: at once").isEqualTo(5);

    limiter.setShare(1.0, Duration.ofMillis(800));
    limiter.setShare(0.5, Duration.ZERO); // above what applies, below what waits: waits as long
    clock.advance(Duration.ofMillis(799));
    assertThat(limiter.ceiling()).isEqualTo(5);
    clock.advance(Duration.ofMillis(1));
    assertThat(limiter.ceiling()).isEqualTo(10);

    limiter.setShare(0.1, Duration.ofSeconds(5));
    assertThat(limiter.ceiling()).as("lower: at once, whatever the delay").isEqualTo(2);
  }

  @Test
  void shouldAskAgainWhenAHigherShareAppliesNotAtThePaceOfTheLowerOne() {
    AdaptiveRateLimiter limiter = limiter(20);
    limiter.setShare(0.15); // 3 calls a second: a permit every 333 ms
    clock.advance(Duration.ofSeconds(2));
    assertThat(limiter.tryAcquire().granted()).isTrue();
    long first = clock.getAsLong();

    limiter.setShare(0.25, Duration.ofMillis(200)); // 5 calls a second, 200 ms from now
    AdaptiveRateLimiter.Permit denied = limiter.tryAcquire();
    assertThat(denied.waitNanos()).as("asks again when the higher share applies").isEqualTo(
        Duration.ofMillis(200).toNanos());

    List<Long> grants = grantsToEagerCaller(acquire(limiter), Duration.ofMillis(400), 0);
    // 200 ms at 3 a second refilled 0.6 of a permit; the rest at 5 a second: 80 ms more
    assertThat(grants.get(0) - first).as("the next permit at the higher pace, not 333 ms after the last")
        .isBetween(Duration.ofMillis(279).toNanos(), Duration.ofMillis(281).toNanos());
  }

  @Test
  void shouldCountItsOwnCallsWhateverItsShareWasWhenTheyLeft() {
    AdaptiveRateLimiter limiter = limiter(20);
    List<Long> before = grantsToEagerCaller(acquire(limiter), Duration.ofMillis(900), 0);
    assertThat(before).hasSizeGreaterThan(15);

    limiter.setShare(0.25);
    limiter.setShare(1.0, Duration.ZERO);

    assertThat(limiter.ceiling()).as("nothing forgotten: the share applies at once").isEqualTo(20);
    List<Long> all = new ArrayList<>(before);
    all.addAll(grantsToEagerCaller(acquire(limiter), Duration.ofSeconds(2), 0));
    assertThat(maxInAnyWindow(all, SECOND)).as("the calls made before the cut still count").isLessThanOrEqualTo(20);
  }

  @Test
  void shouldSayWhenItsCallsBeyondAPartLeft() {
    AdaptiveRateLimiter limiter = limiter(10);
    for (int i = 0; i < 3; i++) {
      limiter.onDeparture(limiter.tryAcquire().grantedAtNanos());
      clock.advance(Duration.ofMillis(100));
    }

    assertThat(limiter.nanosSinceDepartureBeyond(0)).as("the last call").hasValue(Duration.ofMillis(100).toNanos());
    assertThat(limiter.nanosSinceDepartureBeyond(2)).as("the first").hasValue(Duration.ofMillis(300).toNanos());
    assertThat(limiter.nanosSinceDepartureBeyond(3)).as("none beyond all three").isEmpty();
    clock.advance(Duration.ofMillis(1_900));
    assertThat(limiter.nanosSinceDepartureBeyond(0)).as("two seconds old: forgotten").isEmpty();
  }

  @Test
  void shouldKeepItsPartInCallsWhenTheAccountLimitChangesAndCutItAtOnceToALowerLimit() {
    AdaptiveRateLimiter limiter = limiter(20);
    limiter.setShare(0.25); // 5 calls/s
    clock.advance(Duration.ofSeconds(1));

    limiter.setAccountLimit(40);
    assertThat(limiter.ceiling()).as("a higher limit: the part stays 5 calls/s until the group moves it").isEqualTo(5);
    limiter.setAccountLimit(3);
    assertThat(limiter.ceiling()).as("a limit below the part: cut at once").isEqualTo(3);
    assertThat(limiter.currentRate()).isEqualTo(3);
    List<Long> grants = grantsToEagerCaller(acquire(limiter), Duration.ofSeconds(5), 0);
    assertThat(maxInAnyWindow(grants, SECOND)).isEqualTo(3);

    limiter.setShare(1.0, Duration.ZERO);
    clock.advance(AdaptiveRateLimiter.Settings.defaults().shareIncreaseDelay());
    assertThat(limiter.ceiling()).as("the whole of the new limit, once given").isEqualTo(3);
    assertThatThrownBy(() -> limiter.setAccountLimit(0)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void shouldKeepAThrottledRateInProportionWhenTheShareChanges() {
    AdaptiveRateLimiter limiter = limiter(20);
    limiter.setShare(0.5);
    limiter.onThrottled();
    assertThat(limiter.currentRate()).isEqualTo(5);

    limiter.setShare(1.0);
    clock.advance(AdaptiveRateLimiter.Settings.defaults().shareIncreaseDelay());

    assertThat(limiter.ceiling()).isEqualTo(20);
    assertThat(limiter.currentRate()).isEqualTo(10);
    assertThatThrownBy(() -> limiter.setShare(-0.1)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> limiter.setShare(1.5)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void shouldHoldTheCallALimitAfterALateOneUntilItsWindowHasPassed() {
    AdaptiveRateLimiter limiter = limiter(5); // a permit every 200 ms, 5 in any 1.02 s
    AdaptiveRateLimiter.Permit first = limiter.tryAcquire();
    clock.advance(Duration.ofMillis(150));
    limiter.onDeparture(first.grantedAtNanos()); // the call left 150 ms after its permit

    assertThat(limiter.tryAcquire().waitNanos()).as("the next permits keep their time").isEqualTo(ms(50));
    for (int i = 0; i < 4; i++) {
      clock.advanceNanos(limiter.tryAcquire().waitNanos());
      assertThat(limiter.tryAcquire().granted()).isTrue();
    }
    assertThat(clock.getAsLong() - first.grantedAtNanos()).isEqualTo(ms(800));
    assertThat(limiter.tryAcquire().waitNanos()).as("the sixth waits for the first's departure + 1 s + 20 ms")
        .isEqualTo(ms(150 + 1020 - 800));
  }

  @Test
  void shouldWidenTheGuardOnAThrottleAndGiveItBackAfterQuietMinutes() {
    AdaptiveRateLimiter limiter = limiter(10);
    assertThat(limiter.arrivalGuard()).isEqualTo(Duration.ofMillis(20));

    limiter.onThrottled();
    limiter.onThrottled(); // within the cooldown: an answer to a call made before the first
    assertThat(limiter.arrivalGuard()).isEqualTo(Duration.ofMillis(40));
    clock.advance(Duration.ofSeconds(1));
    limiter.onThrottled();
    assertThat(limiter.arrivalGuard()).isEqualTo(Duration.ofMillis(80));

    clock.advance(Duration.ofSeconds(59));
    limiter.onSuccess();
    assertThat(limiter.arrivalGuard()).as("59 s without a throttle").isEqualTo(Duration.ofMillis(80));
    clock.advance(Duration.ofSeconds(1));
    limiter.onSuccess();
    assertThat(limiter.arrivalGuard()).as("half of the 60 ms widening back").isEqualTo(Duration.ofMillis(50));
    for (int minute = 0; minute < 10; minute++) {
      clock.advance(Duration.ofSeconds(60));
      limiter.onSuccess();
    }
    assertThat(limiter.arrivalGuard()).as("never below the configured guard").isEqualTo(Duration.ofMillis(20));
  }

  @Test
  void shouldStartWideAfterAStartOrARebalanceAndNarrowByStepsWhileUnthrottled() {
    AdaptiveRateLimiter limiter = limiter(10);
    limiter.settle();
    assertThat(limiter.arrivalGuard()).as("50 ms, more than twice the configured 20").isEqualTo(Duration.ofMillis(50));

    clock.advance(Duration.ofSeconds(4));
    limiter.onSuccess();
    assertThat(limiter.arrivalGuard()).isEqualTo(Duration.ofMillis(50));
    clock.advance(Duration.ofSeconds(1));
    limiter.onSuccess();
    assertThat(limiter.arrivalGuard()).as("5 s unthrottled: half of the 30 ms widening back").isEqualTo(Duration.ofMillis(35));
    for (int step = 0; step < 6; step++) {
      clock.advance(Duration.ofSeconds(5));
      limiter.onSuccess();
    }
    assertThat(limiter.arrivalGuard()).as("back to the configured guard within 35 s").isEqualTo(Duration.ofMillis(20));

    limiter.settle(); // the next rebalance
    assertThat(limiter.arrivalGuard()).isEqualTo(Duration.ofMillis(50));
  }

  @Test
  void shouldStopNarrowingByStepsOnceThrottledWhileSettling() {
    AdaptiveRateLimiter limiter = limiter(10);
    limiter.settle();
    limiter.onThrottled(); // the network needs even more room than the start allows
    assertThat(limiter.arrivalGuard()).isEqualTo(Duration.ofMillis(100));

    clock.advance(Duration.ofSeconds(30));
    limiter.onSuccess();
    assertThat(limiter.arrivalGuard()).as("not by 5 s steps any more").isEqualTo(Duration.ofMillis(100));
    clock.advance(Duration.ofSeconds(30));
    limiter.onSuccess();
    assertThat(limiter.arrivalGuard()).as("after a quiet minute").isEqualTo(Duration.ofMillis(60));
  }

  @Test
  void shouldHoldTheCallALimitLaterByTheWidenedGuard() {
    AdaptiveRateLimiter limiter = limiter(5); // 5 in any 1 s + guard
    limiter.onThrottled(); // guard 40 ms; the rate halves to 2.5 until it recovers
    clock.advance(Duration.ofSeconds(10));
    for (int i = 0; i < 10; i++) {
      limiter.onSuccess();
      clock.advance(Duration.ofSeconds(1));
    }
    assertThat(limiter.currentRate()).isEqualTo(5);
    long first = 0;
    for (int i = 0; i < 5; i++) {
      AdaptiveRateLimiter.Permit permit = limiter.tryAcquire();
      while (!permit.granted()) {
        clock.advanceNanos(permit.waitNanos());
        permit = limiter.tryAcquire();
      }
      limiter.onDeparture(permit.grantedAtNanos());
      first = i == 0 ? permit.grantedAtNanos() : first;
    }
    assertThat(limiter.tryAcquire().waitNanos()).as("the sixth: 1 s + 40 ms after the first")
        .isEqualTo(first + ms(1040) - clock.getAsLong());
  }

  @ParameterizedTest
  @ValueSource(ints = {3, 10, 50, 200})
  void shouldKeepArrivalsWithinTheLimitWhateverTheDeparturesLateness(int limit) {
    AdaptiveRateLimiter limiter = limiter(limit);
    SplittableRandom random = new SplittableRandom(limit);
    long end = clock.getAsLong() + Duration.ofSeconds(60).toNanos();
    List<Long> arrivals = new ArrayList<>();
    // calls granted and not yet left: {grantedAt, leavesAt}, the earliest departure first
    PriorityQueue<long[]> leaving = new PriorityQueue<>(Comparator.comparingLong(call -> call[1]));
    while (clock.getAsLong() < end) {
      while (!leaving.isEmpty() && leaving.peek()[1] <= clock.getAsLong()) {
        long[] call = leaving.poll();
        limiter.onDeparture(call[0]);
        // the network adds 5 ms, give or take up to the 20 ms guard
        arrivals.add(call[1] + ms(5) + random.nextLong(ms(19)));
      }
      AdaptiveRateLimiter.Permit permit = limiter.tryAcquire();
      if (permit.granted()) {
        // one call in ten leaves up to 80 ms late (a cold connection, a GC pause), the others within 1 ms
        long lateness = random.nextInt(10) == 0 ? random.nextLong(ms(80)) : random.nextLong(ms(1));
        leaving.add(new long[] {permit.grantedAtNanos(), clock.getAsLong() + lateness});
        continue;
      }
      long next = leaving.isEmpty() ? permit.waitNanos() : Math.min(permit.waitNanos(), leaving.peek()[1] - clock.getAsLong());
      clock.advanceNanos(Math.max(1, next));
    }
    arrivals.sort(null);

    assertThat(maxInAnyWindow(arrivals, SECOND)).isLessThanOrEqualTo(limit);
    assertThat(arrivals.size() / 60.0 / limit).as("a late call costs its own delay, not every later call's")
        .isGreaterThan(0.95);
  }

  @Test
  void shouldApplyALowerShareAtOnceAndAHigherOneOnlyAfterTheDelay() {
    AdaptiveRateLimiter limiter = limiter(20);
    limiter.setShare(0.25);
    assertThat(limiter.currentRate()).as("lower: at once").isEqualTo(5);

    limiter.setShare(0.5);
    clock.advance(AdaptiveRateLimiter.Settings.defaults().shareIncreaseDelay().minusMillis(1));
    assertThat(limiter.currentRate()).as("higher: not before the delay").isEqualTo(5);
    clock.advance(Duration.ofMillis(1));
    assertThat(limiter.currentRate()).isEqualTo(10);
  }

  @Test
  void shouldCancelAPendingIncreaseWhenTheShareFallsAgain() {
    AdaptiveRateLimiter limiter = limiter(20);
    limiter.setShare(0.25);
    limiter.setShare(1.0);
    limiter.setShare(0.1);

    clock.advance(Duration.ofSeconds(10));

    assertThat(limiter.currentRate()).isEqualTo(2);
  }

  @Test
  void shouldGrantNothingAtAShareOfZeroAndGrantAgainAfterTheDelayOnceItRises() {
    AdaptiveRateLimiter limiter = limiter(20);
    limiter.setShare(0);

    List<Long> held = grantsToEagerCaller(acquire(limiter), Duration.ofSeconds(3), 0);
    assertThat(held).isEmpty();

    limiter.setShare(0.25);
    long raisedAt = clock.getAsLong();
    List<Long> grants = grantsToEagerCaller(acquire(limiter), Duration.ofSeconds(5), 0);
    assertThat(grants.get(0) - raisedAt).isGreaterThanOrEqualTo(
        AdaptiveRateLimiter.Settings.defaults().shareIncreaseDelay().toNanos());
    assertThat(maxInAnyWindow(grants, SECOND)).isEqualTo(5);
  }

  /**
   * A caller that asks again as soon as it is told to (plus up to {@code maxLatenessNanos} of
   * seeded random lateness, like a timer firing late) and takes every permit it can.
   */
  private List<Long> grantsToEagerCaller(LongSupplier acquire, Duration span, long maxLatenessNanos) {
    SplittableRandom random = new SplittableRandom(42);
    long end = clock.getAsLong() + span.toNanos();
    List<Long> grants = new ArrayList<>();
    while (clock.getAsLong() < end) {
      long delay = acquire.getAsLong();
      if (delay == 0) {
        grants.add(clock.getAsLong());
      } else {
        clock.advanceNanos(delay + (maxLatenessNanos == 0 ? 0 : random.nextLong(maxLatenessNanos)));
      }
    }
    return grants;
  }

  private static LongSupplier acquire(AdaptiveRateLimiter limiter) {
    return () -> limiter.tryAcquire().waitNanos();
  }

  private static long ms(long millis) {
    return Duration.ofMillis(millis).toNanos();
  }

  /** The most grants in any half-open window [t, t + window). */
  private static int maxInAnyWindow(List<Long> grants, long windowNanos) {
    int max = 0;
    int first = 0;
    for (int last = 0; last < grants.size(); last++) {
      while (grants.get(last) - grants.get(first) >= windowNanos) {
        first++;
      }
      max = Math.max(max, last - first + 1);
    }
    return max;
  }
}
