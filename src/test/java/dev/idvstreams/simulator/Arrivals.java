package dev.idvstreams.simulator;

import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * The calls of one API as the provider saw them: when each accepted call arrived at the simulator
 * ({@link System#nanoTime()}, this JVM's clock). The figures the provider's limit is about: the
 * steady rate, the busiest 1-second window, how soon the rate reached a fraction of the limit.
 */
public record Arrivals(long[] nanos) {

  private static final long SECOND = TimeUnit.SECONDS.toNanos(1);

  public Arrivals {
    nanos = nanos.clone();
    Arrays.sort(nanos);
  }

  /** The calls that arrived at or after {@code nanos}. */
  public Arrivals from(long nanos) {
    int first = 0;
    while (first < this.nanos.length && this.nanos[first] < nanos) {
      first++;
    }
    return new Arrivals(Arrays.copyOfRange(this.nanos, first, this.nanos.length));
  }

  public int count() {
    return nanos.length;
  }

  /**
   * Calls per second between the calls at the {@code from} and {@code to} fractions of the run
   * (by call count): the ramp at the start and the last stragglers do not count.
   */
  public double middleRate(double from, double to) {
    if (nanos.length < 3) {
      return Double.NaN;
    }
    int first = (int) Math.floor(from * (nanos.length - 1));
    int last = (int) Math.ceil(to * (nanos.length - 1));
    double seconds = (nanos[last] - nanos[first]) / 1e9;
    return last <= first || seconds <= 0 ? Double.NaN : (last - first) / seconds;
  }

  /** The most calls in any half-open window [t, t + 1 s): what a provider's QPS limit counts. */
  public int busiestSecond() {
    int max = 0;
    int first = 0;
    for (int last = 0; last < nanos.length; last++) {
      while (nanos[last] - nanos[first] >= SECOND) {
        first++;
      }
      max = Math.max(max, last - first + 1);
    }
    return max;
  }

  /**
   * Seconds from {@code originNanos} until the first 1-second window holding at least
   * {@code fraction} of {@code limit} calls ended; NaN if none did.
   */
  public double secondsUntilRate(long originNanos, double fraction, int limit) {
    int needed = (int) Math.ceil(fraction * limit - 1e-9);
    int first = 0;
    for (int last = 0; last < nanos.length; last++) {
      while (nanos[last] - nanos[first] >= SECOND) {
        first++;
      }
      if (last - first + 1 >= needed) {
        return (nanos[last] - originNanos) / 1e9;
      }
    }
    return Double.NaN;
  }

  /** Seconds from {@code originNanos} to the first call; NaN without calls. */
  public double secondsUntilFirst(long originNanos) {
    return nanos.length == 0 ? Double.NaN : (nanos[0] - originNanos) / 1e9;
  }
}
