package dev.idvstreams.bench;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * How the costs grow with the partitions one instance owns: utilisation at 1, 3 and 12 partitions
 * (more tasks share one stream thread and its commit budget). The duplicate path and memory
 * scenarios report their own 1/3/12 rows.
 */
final class GrowthScenario implements Scenario {

  @Override
  public String name() {
    return "growth";
  }

  @Override
  public String description() {
    return "The utilisation case 200 ms × 50 QPS at 1, 3 and 12 partitions on one instance (3 is the utilisation "
        + "scenario's own row, measured again here so that the three come from the same minutes).";
  }

  @Override
  public List<BenchRow> run(BenchSettings settings) throws Exception {
    List<BenchRow> rows = new ArrayList<>();
    for (int partitions : settings.quick() ? new int[] {12} : new int[] {1, 3, 12}) {
      rows.add(settings.measured(UtilisationScenario.measure(settings, Duration.ofMillis(200), 50, partitions)));
    }
    return rows;
  }
}
