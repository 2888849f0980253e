package dev.idvstreams.group;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What each instance of the group should have of an API's QPS limit, in whole calls per second,
 * from what each has to do for it (its demand: calls it could start within the next second). Whole
 * numbers add up: if every instance makes at most its part in any 1-second window, the group makes
 * at most the limit in any window, which fractional rates cannot promise.
 *
 * <p>This is only the target each instance aims at. Every instance computes it from what it has
 * read of the others' demands, which may be late or differ between instances; the limit holds
 * whatever the targets say, by the claims of {@link ShareAgent}.
 *
 * <p>The decision ladder:
 * <ol>
 *   <li>nobody has work: the limit is spread evenly over every instance, so that the first
 *       request anywhere is called without waiting for a part to move;
 *   <li>fewer calls per second than instances with work: whole calls cannot go round, so they
 *       take turns. In turn {@code t}, ordered by most demand (then the smaller id), instances
 *       {@code t * limit}, ..., {@code t * limit + limit - 1} (modulo their number) get 1;
 *   <li>otherwise max-min fairness (water-filling): an instance that needs less than an even part
 *       gets what it needs, and what it leaves is shared evenly by those that need more. The
 *       calls that are left when every demand is met are spread evenly over every instance, as in
 *       the first case.
 * </ol>
 * Ties go to the smaller id, so instances that read the same demands compute the same parts.
 */
public final class DemandSplit {

  private DemandSplit() {}

  /**
   * @param limit the API's limit for the whole group, calls per second
   * @param demands each instance's demand, by instance id (0 for an instance without work)
   * @param turn which instances have a part when the limit is smaller than the number with work
   * @return each instance's calls per second, adding up to at most {@code limit}
   */
  public static Map<String, Integer> split(int limit, Map<String, Long> demands, long turn) {
    Map<String, Integer> parts = new TreeMap<>();
    List<String> working = new ArrayList<>();
    for (Map.Entry<String, Long> instance : new TreeMap<>(demands).entrySet()) {
      parts.put(instance.getKey(), 0);
      if (instance.getValue() > 0) {
        working.add(instance.getKey());
      }
    }
    if (working.isEmpty()) {
      // nobody has work: an even spread
      spread(limit, parts);
      return parts;
    }
    if (limit < working.size()) {
      // too few calls to go round: turns among those with work, the busiest first
      working.sort(Comparator.<String>comparingLong(demands::get).reversed().thenComparing(Comparator.naturalOrder()));
      long first = Math.floorMod(turn * limit, (long) working.size());
      for (int k = 0; k < limit; k++) {
        parts.put(working.get((int) ((first + k) % working.size())), 1);
      }
      return parts;
    }
    // water-filling: the highest level that the demands, each capped at it, fit under the limit
    int low = 0;
    int high = limit;
    while (low < high) {
      int level = (low + high + 1) / 2;
      if (capped(working, demands, level) <= limit) {
        low = level;
      } else {
        high = level - 1;
      }
    }
    int remaining = limit;
    for (String id : working) {
      int given = (int) Math.min(demands.get(id), low);
      parts.put(id, given);
      remaining -= given;
    }
    // what the level leaves over goes, one call each, to those still short of their demand
    for (String id : working) {
      if (remaining > 0 && parts.get(id) < demands.get(id)) {
        parts.merge(id, 1, Integer::sum);
        remaining--;
      }
    }
    // every demand met: the rest spread evenly, as when nobody has work
    Map<String, Integer> rest = new TreeMap<>();
    parts.keySet().forEach(id -> rest.put(id, 0));
    spread(remaining, rest);
    rest.forEach((id, extra) -> parts.merge(id, extra, Integer::sum));
    return parts;
  }

  private static long capped(List<String> working, Map<String, Long> demands, int level) {
    long sum = 0;
    for (String id : working) {
      sum += Math.min(demands.get(id), level);
    }
    return sum;
  }

  /** {@code calls} over every instance of {@code parts}: the same to each, one more to the smaller ids. */
  private static void spread(int calls, Map<String, Integer> parts) {
    if (parts.isEmpty()) {
      return;
    }
    int each = calls / parts.size();
    int extra = calls % parts.size();
    for (String id : parts.keySet()) {
      parts.put(id, each + (extra-- > 0 ? 1 : 0));
    }
  }
}
