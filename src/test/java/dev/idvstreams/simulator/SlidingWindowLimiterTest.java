package dev.idvstreams.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class SlidingWindowLimiterTest {

  private static final long MS = 1_000_000L;

  @Test
  void shouldAcceptLimitCallsPerSlidingSecond() {
    SlidingWindowLimiter limiter = new SlidingWindowLimiter(3);

    assertThat(limiter.tryAcquire(0)).isTrue();
    assertThat(limiter.tryAcquire(100 * MS)).isTrue();
    assertThat(limiter.tryAcquire(200 * MS)).isTrue();
    assertThat(limiter.tryAcquire(300 * MS)).isFalse();
    assertThat(limiter.tryAcquire(999 * MS)).isFalse();
    assertThat(limiter.tryAcquire(1000 * MS)).isTrue();
    assertThat(limiter.tryAcquire(1050 * MS)).isFalse();
    assertThat(limiter.tryAcquire(1100 * MS)).isTrue();
    assertThat(limiter.maxInAnyWindow()).isEqualTo(3);
  }

  @Test
  void shouldNeverHoldMoreThanLimitInAnyWindowOfRandomTraffic() {
    SlidingWindowLimiter limiter = new SlidingWindowLimiter(7);
    Random random = new Random(42);
    List<Long> accepted = new ArrayList<>();
    long now = 0;
    for (int i = 0; i < 5_000; i++) {
      now += random.nextInt(60) * MS;
      if (limiter.tryAcquire(now)) {
        accepted.add(now);
      }
    }
    // an independent count: every window [t, t + 1 s) starting at an accepted call
    int max = 0;
    for (int i = 0, j = 0; i < accepted.size(); i++) {
      while (j < accepted.size() && accepted.get(j) - accepted.get(i) < 1000 * MS) {
        j++;
      }
      max = Math.max(max, j - i);
    }
    assertThat(max).isEqualTo(7);
    assertThat(limiter.maxInAnyWindow()).isEqualTo(max);
  }
}
