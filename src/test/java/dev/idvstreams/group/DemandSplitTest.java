package dev.idvstreams.group;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class DemandSplitTest {

  @Test
  void shouldSpreadTheLimitEvenlyWhenNobodyHasWork() {
    assertThat(DemandSplit.split(5, Map.of("a", 0L, "b", 0L, "c", 0L), 0))
        .containsExactlyInAnyOrderEntriesOf(Map.of("a", 2, "b", 2, "c", 1));
  }

  @Test
  void shouldGiveTheWholeLimitToTheOnlyInstanceWithWork() {
    assertThat(DemandSplit.split(20, Map.of("busy", 300L, "idle1", 0L, "idle2", 0L), 0))
        .containsExactlyInAnyOrderEntriesOf(Map.of("busy", 20, "idle1", 0, "idle2", 0));
  }

  @Test
  void shouldGiveASmallDemandWhatItNeedsAndShareTheRestAmongTheBigOnes() {
    assertThat(DemandSplit.split(20, Map.of("a", 2L, "b", 100L, "c", 100L), 0))
        .containsExactlyInAnyOrderEntriesOf(Map.of("a", 2, "b", 9, "c", 9));
  }

  @Test
  void shouldSpreadWhatIsLeftOnceEveryDemandIsMet() {
    assertThat(DemandSplit.split(20, Map.of("a", 3L, "b", 5L, "c", 0L), 0))
        .containsExactlyInAnyOrderEntriesOf(Map.of("a", 3 + 4, "b", 5 + 4, "c", 4));
  }

  @Test
  void shouldLetThoseWithWorkTakeTurnsWhenTheLimitIsSmallerThanTheirNumber() {
    Map<String, Long> demands = Map.of("a", 1L, "b", 30L, "c", 20L, "idle", 0L);
    Map<String, Integer> turnsWithAPart = new HashMap<>();
    for (long turn = 0; turn < 3; turn++) {
      Map<String, Integer> parts = DemandSplit.split(2, demands, turn);
      assertThat(parts.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(2);
      parts.forEach((id, part) -> turnsWithAPart.merge(id, part, Integer::sum));
    }
    assertThat(turnsWithAPart).as("each with work has a part in 2 of every 3 turns, the idle one none")
        .containsExactlyInAnyOrderEntriesOf(Map.of("a", 2, "b", 2, "c", 2, "idle", 0));
    assertThat(DemandSplit.split(1, demands, 0)).as("turn 0 of a limit of 1: the busiest")
        .containsEntry("b", 1);
  }

  @Test
  void shouldAddUpToTheLimitAndServeEveryDemandFairly() {
    SplittableRandom random = new SplittableRandom(7);
    for (int round = 0; round < 5_000; round++) {
      int limit = 1 + random.nextInt(300);
      Map<String, Long> demands = new HashMap<>();
      for (int i = 0; i < 1 + random.nextInt(8); i++) {
        demands.put("i" + i, random.nextInt(3) == 0 ? 0L : (long) random.nextInt(400));
      }
      Map<String, Integer> parts = DemandSplit.split(limit, demands, random.nextInt(100));
      long working = demands.values().stream().filter(d -> d > 0).count();
      assertThat(parts.values().stream().mapToInt(Integer::intValue).sum()).as("round %d", round)
          .isEqualTo(limit);
      if (limit >= working) {
        long totalDemand = demands.values().stream().mapToLong(Long::longValue).sum();
        demands.forEach((id, demand) -> {
          if (demand > 0) {
            assertThat(parts.get(id)).as("an instance with work gets a part").isPositive();
          }
          if (totalDemand >= limit) {
            // max-min fair: nobody with more than its demand while another is short by 2 or more
            parts.forEach((other, otherPart) -> {
              if (demands.get(other) - otherPart >= 2 && parts.get(id) > demand) {
                throw new AssertionError(id + " has more than it needs while " + other + " is short: " + parts);
              }
            });
          }
        });
      }
    }
  }
}
