package dev.idvstreams.demo;

import dev.idvstreams.api.Api;
import dev.idvstreams.simulator.ApiStats;
import java.util.EnumMap;
import java.util.Map;

/**
 * The demo's progress bar: how many records are accounted for, and each API's calls in the last
 * second against its limit, from the simulator's count of accepted calls. One line, rewritten in
 * place ({@code \r}).
 */
final class ProgressLine {

  static final int BAR_WIDTH = 24;

  private final int total;
  private final Map<Api, Integer> limits;
  private Map<Api, Long> lastAccepted = new EnumMap<>(Api.class);
  private long lastNanos;

  ProgressLine(int total, Map<Api, Integer> limits) {
    this.total = total;
    this.limits = new EnumMap<>(limits); // the APIs in their one order, whatever order they were given in
  }

  /**
   * The line for now; {@code stats} are the simulator's counters, read at {@code nowNanos}. The
   * rates are over the time since the previous line (none on the first).
   */
  String render(long elapsedNanos, int accounted, int results, int deadLetters, Map<Api, ApiStats.Snapshot> stats,
      long nowNanos) {
    StringBuilder line = new StringBuilder("\r[");
    int filled = total == 0 ? BAR_WIDTH : (int) Math.min(BAR_WIDTH, (long) accounted * BAR_WIDTH / total);
    line.append("#".repeat(filled)).append("-".repeat(BAR_WIDTH - filled)).append(']');
    line.append(String.format(" %d/%d (%d results, %d dead letters) %5.1fs", accounted, total, results, deadLetters,
        elapsedNanos / 1e9));
    double seconds = (nowNanos - lastNanos) / 1e9;
    Map<Api, Long> accepted = new EnumMap<>(Api.class);
    limits.forEach((api, limit) -> {
      ApiStats.Snapshot s = stats.get(api);
      long now = s == null ? 0 : s.accepted();
      accepted.put(api, now);
      Long before = lastAccepted.get(api);
      String rate = before == null || seconds <= 0 ? "-" : String.valueOf(Math.round((now - before) / seconds));
      line.append("  ").append(api.action()).append(' ').append(rate).append('/').append(limit);
    });
    line.append(" calls/s   ");
    lastAccepted = accepted;
    lastNanos = nowNanos;
    return line.toString();
  }
}
