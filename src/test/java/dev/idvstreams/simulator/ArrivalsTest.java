package dev.idvstreams.simulator;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class ArrivalsTest {

  private static final long MS = 1_000_000L;

  @Test
  void shouldCountTheBusiestHalfOpenSecond() {
    // 0, 100, ..., 900 ms and 1000 ms: the call at 1000 ms starts a new window
    long[] times = new long[11];
    for (int i = 0; i < times.length; i++) {
      times[i] = i * 100 * MS;
    }

    assertThat(new Arrivals(times).busiestSecond()).isEqualTo(10);
    assertThat(new Arrivals(new long[] {0, 999 * MS, 500 * MS}).busiestSecond()).isEqualTo(3);
  }

  @Test
  void shouldMeasureTheRateOverTheMiddleOnly() {
    // a slow start (5 calls a second apart), then 10 per second for 20 s
    long[] times = new long[205];
    for (int i = 0; i < 5; i++) {
      times[i] = i * 1000 * MS;
    }
    for (int i = 0; i < 200; i++) {
      times[5 + i] = 5000 * MS + i * 100 * MS;
    }
    Arrivals arrivals = new Arrivals(times);

    assertThat(arrivals.middleRate(0.2, 0.8)).isCloseTo(10.0, org.assertj.core.data.Offset.offset(0.01));
    assertThat(arrivals.secondsUntilRate(0, 0.95, 10)).as("10 calls in a second first end at 5.9 s").isEqualTo(5.9);
    assertThat(arrivals.secondsUntilRate(0, 0.95, 20)).isNaN();
    assertThat(arrivals.secondsUntilFirst(-2000 * MS)).isEqualTo(2.0);
    assertThat(arrivals.from(5000 * MS).middleRate(0, 1)).isCloseTo(10.0, org.assertj.core.data.Offset.offset(0.01));
    assertThat(arrivals.from(5000 * MS).count()).isEqualTo(200);
  }
}
