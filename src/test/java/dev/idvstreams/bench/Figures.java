package dev.idvstreams.bench;

import dev.idvstreams.simulator.Arrivals;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/** The arithmetic of the figures: rates over the middle of a run, percentiles, ratios, and how a figure prints. */
public final class Figures {

  private Figures() {}

  /**
   * Events per second between the {@code from} and {@code to} quantiles of their times (ms), so
   * the ramp-up at the start and the stragglers at the end do not count; NaN with too few events.
   */
  public static double middleRate(List<Long> timesMs, double from, double to) {
    return new Arrivals(timesMs.stream().mapToLong(ms -> TimeUnit.MILLISECONDS.toNanos(ms)).toArray()).middleRate(from, to);
  }

  /** Events per second from the first to the last time (ms); NaN with fewer than two. */
  public static double spanRate(List<Long> timesMs) {
    if (timesMs.size() < 2) {
      return Double.NaN;
    }
    long first = timesMs.stream().mapToLong(Long::longValue).min().getAsLong();
    long last = timesMs.stream().mapToLong(Long::longValue).max().getAsLong();
    return last == first ? Double.NaN : (timesMs.size() - 1) / ((last - first) / 1000.0);
  }

  /** The nearest-rank percentile {@code p} (0..100) of {@code values}; NaN when empty. */
  public static double percentile(List<Long> values, double p) {
    if (values.isEmpty()) {
      return Double.NaN;
    }
    long[] sorted = values.stream().mapToLong(Long::longValue).toArray();
    Arrays.sort(sorted);
    int rank = (int) Math.ceil(p / 100.0 * sorted.length);
    return sorted[Math.max(0, Math.min(sorted.length - 1, rank - 1))];
  }

  public static double ratio(double numerator, double denominator) {
    return denominator == 0 || Double.isNaN(denominator) ? Double.NaN : numerator / denominator;
  }

  /** Rounded for reading: two decimals below 100, none above. */
  public static Object round(double value) {
    if (Double.isNaN(value) || Double.isInfinite(value)) {
      return "n/a";
    }
    return Math.abs(value) >= 100 ? (Object) Math.round(value) : (Object) (Math.round(value * 100) / 100.0);
  }

  static String format(Object value) {
    if (value instanceof Double d) {
      return String.format(Locale.ROOT, "%.2f", d);
    }
    return String.valueOf(value);
  }
}
