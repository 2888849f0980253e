package dev.idvstreams.group;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LimitSplitTest {

  @Test
  void shouldSplitByPartitionsInWholeCallsThatAddUpToTheLimit() {
    Map<String, Integer> parts = LimitSplit.split(5, Map.of("a", 2, "b", 2, "c", 2));

    // 1 each, then 2 left for 3 equal remainders: the smaller ids first
    assertThat(parts).containsExactlyInAnyOrderEntriesOf(Map.of("a", 2, "b", 2, "c", 1));
  }

  @Test
  void shouldFollowThePartitionCounts() {
    assertThat(LimitSplit.split(10, Map.of("a", 4, "b", 1, "c", 1)))
        .containsExactlyInAnyOrderEntriesOf(Map.of("a", 6, "b", 2, "c", 2));
    assertThat(LimitSplit.split(200, Map.of("a", 3, "b", 3)))
        .containsExactlyInAnyOrderEntriesOf(Map.of("a", 100, "b", 100));
  }

  @Test
  void shouldGiveNothingToAnInstanceWithoutPartitions() {
    assertThat(LimitSplit.split(5, Map.of("a", 6, "idle", 0)))
        .containsExactlyInAnyOrderEntriesOf(Map.of("a", 5, "idle", 0));
  }

  @Test
  void shouldGiveOneEachToTheBiggestOwnersWhenTheLimitIsSmallerThanTheGroup() {
    assertThat(LimitSplit.split(2, Map.of("a", 1, "b", 3, "c", 2)))
        .containsExactlyInAnyOrderEntriesOf(Map.of("a", 0, "b", 1, "c", 1));
  }

  @Test
  void shouldNeverExceedTheLimitAndNeverStarveAnOwnerWhenTheLimitAllows() {
    SplittableRandom random = new SplittableRandom(7);
    for (int round = 0; round < 2_000; round++) {
      int limit = 1 + random.nextInt(300);
      Map<String, Integer> partitions = new HashMap<>();
      int instances = 1 + random.nextInt(12);
      for (int i = 0; i < instances; i++) {
        partitions.put("i" + i, random.nextInt(5));
      }
      Map<String, Integer> parts = LimitSplit.split(limit, partitions);

      long owners = partitions.values().stream().filter(p -> p > 0).count();
      int sum = parts.values().stream().mapToInt(Integer::intValue).sum();
      assertThat(sum).isEqualTo(owners == 0 ? 0 : limit);
      partitions.forEach((id, owned) -> {
        if (owned == 0) {
          assertThat(parts.get(id)).isZero();
        } else if (limit >= owners) {
          assertThat(parts.get(id)).isPositive();
        }
      });
    }
  }

  @Test
  void shouldBeTheSameWhateverTheOrderTheAssignmentIsReadIn() {
    Map<String, Integer> one = new java.util.LinkedHashMap<>();
    one.put("b", 1);
    one.put("a", 1);
    one.put("c", 1);
    Map<String, Integer> other = new java.util.LinkedHashMap<>();
    other.put("c", 1);
    other.put("a", 1);
    other.put("b", 1);

    assertThat(LimitSplit.split(4, one)).isEqualTo(LimitSplit.split(4, other));
  }
}
