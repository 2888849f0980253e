package dev.idvstreams.group;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Splits an API's QPS limit into whole calls per second for each instance of the group, by the
 * partitions each one calls for. Whole numbers add up: if every instance makes at most its part in
 * any 1-second window, the group makes at most the limit in any window, which fractional rates
 * cannot promise (a rate of 2.4 lets 3 calls into some windows).
 *
 * <p>Every instance that owns partitions gets 1, then the rest of the limit goes by the largest
 * remainder of its partition share (Hamilton's method); ties go to the smaller id, so every
 * instance computes the same split from the same assignment.
 *
 * <p>When the limit is smaller than the number of such instances, whole calls cannot go round: the
 * owners take turns. In turn {@code t}, ordered by most partitions (then the smaller id), owners
 * {@code t * limit}, ..., {@code t * limit + limit - 1} (modulo their number) get 1 and the others
 * 0, so each owner has its part in {@code limit} of every {@code owners} turns and no partition
 * waits for good.
 */
public final class LimitSplit {

  private LimitSplit() {}

  /**
   * @param limit the API's limit for the whole group, calls per second
   * @param partitions the partitions each instance calls for, by instance id
   * @param turn which owners have a part when the limit is smaller than their number; any number
   *     that every instance agrees on (see {@link GroupShare})
   * @return each instance's calls per second; they add up to at most {@code limit}, and instances
   *     owning no partitions get 0
   */
  public static Map<String, Integer> split(int limit, Map<String, Integer> partitions, long turn) {
    Map<String, Integer> parts = new TreeMap<>();
    List<String> owners = new ArrayList<>();
    int total = 0;
    for (Map.Entry<String, Integer> instance : new TreeMap<>(partitions).entrySet()) {
      parts.put(instance.getKey(), 0);
      if (instance.getValue() > 0) {
        owners.add(instance.getKey());
        total += instance.getValue();
      }
    }
    Comparator<String> mostPartitionsFirst = Comparator.<String>comparingInt(partitions::get).reversed()
        .thenComparing(Comparator.naturalOrder());
    if (owners.isEmpty()) {
      return parts;
    }
    if (limit < owners.size()) {
      owners.sort(mostPartitionsFirst);
      long first = Math.floorMod(turn * limit, (long) owners.size());
      for (int k = 0; k < limit; k++) {
        parts.put(owners.get((int) ((first + k) % owners.size())), 1);
      }
      return parts;
    }
    int rest = limit - owners.size();
    int given = 0;
    Map<String, Double> remainders = new TreeMap<>();
    for (String id : owners) {
      double exact = (double) rest * partitions.get(id) / total;
      int whole = (int) Math.floor(exact);
      parts.put(id, 1 + whole);
      given += whole;
      remainders.put(id, exact - whole);
    }
    owners.sort(Comparator.<String>comparingDouble(remainders::get).reversed().thenComparing(Comparator.naturalOrder()));
    for (int i = 0; i < rest - given; i++) {
      parts.merge(owners.get(i), 1, Integer::sum);
    }
    return parts;
  }
}
