package dev.idvstreams.group;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class LimitSplitTest {

  @Test
  void shouldSplitByPartitionsInWholeCallsThatAddUpToTheLimit() {
    Map<String, Integer> parts = LimitSplit.split(5, Map.of("a", 2, "b", 2, "c", 2), 0);

    // 1 each, then 2 left for 3 equal remainders: the smaller ids first
    assertThat(parts).containsExactlyInAnyOrderEntriesOf(Map.of("a", 2, "b", 2, "c", 1));
  }

  @Test
  void shouldFollowThePartitionCounts() {
    assertThat(LimitSplit.split(10, Map.of("a", 4, "b", 1, "c", 1), 0))
        .containsExactlyInAnyOrderEntriesOf(Map.of("a", 6, "b", 2, "c", 2));
    assertThat(LimitSplit.split(200, Map.of("a", 3, "b", 3), 0))
        .containsExactlyInAnyOrderEntriesOf(Map.of("a", 100, "b", 100));
  }

  @Test
  void shouldGiveNothingToAnInstanceWithoutPartitions() {
    assertThat(LimitSplit.split(5, Map.of("a", 6, "idle", 0), 0))
        .containsExactlyInAnyOrderEntriesOf(Map.of("a", 5, "idle", 0));
  }

  @Test
  void shouldGiveOneEachToTheBiggestOwnersWhenTheLimitIsSmallerThanTheGroup() {
    assertThat(LimitSplit.split(2, Map.of("a", 1, "b", 3, "c", 2), 0))
        .containsExactlyInAnyOrderEntriesOf(Map.of("a", 0, "b", 1, "c", 1));
  }

  @Test
  void shouldLetOwnersTakeTurnsWhenTheLimitIsSmallerThanTheGroup() {
    Map<String, Integer> partitions = Map.of("a", 1, "b", 3, "c", 2);
    Map<String, Integer> turnsWithAPart = new HashMap<>();
    for (long turn = 0; turn < 3; turn++) {
      Map<String, Integer> parts = LimitSplit.split(2, partitions, turn);
      assertThat(parts.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(2);
      parts.forEach((id, part) -> turnsWithAPart.merge(id, part, Integer::sum));
    }
    assertThat(turnsWithAPart).as("each owner has its part in 2 of every 3 turns")
        .containsExactlyInAnyOrderEntriesOf(Map.of("a", 2, "b", 2, "c", 2));
    assertThat(LimitSplit.split(2, partitions, 3)).isEqualTo(LimitSplit.split(2, partitions, 0));
    assertThat(LimitSplit.split(1, partitions, 1)).as("turn 1 of a limit of 1: the second biggest")
        .containsExactlyInAnyOrderEntriesOf(Map.of("a", 0, "b", 0, "c", 1));
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
      Map<String, Integer> parts = LimitSplit.split(limit, partitions, 0);

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

    assertThat(LimitSplit.split(4, one, 0)).isEqualTo(LimitSplit.split(4, other, 0));
  }
}
