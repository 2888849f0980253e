package dev.idvstreams.bench;

import java.nio.file.Path;
import java.util.List;
import java.util.function.Consumer;

/**
 * What the command line chose: short runs or full ones, which scenarios (empty for all), and
 * where the reports go; plus where a scenario hands each row the moment it is measured (printed
 * at once, and kept should a later case of the scenario fail).
 */
public record BenchSettings(boolean quick, List<String> only, Path outDir, Consumer<BenchRow> measured) {

  public BenchSettings {
    only = List.copyOf(only);
  }

  /** {@code full} in a full run, {@code quick} under {@code --quick}. */
  public int pick(int full, int quick) {
    return this.quick ? quick : full;
  }

  public boolean selects(String scenario) {
    return only.isEmpty() || only.contains(scenario);
  }

  /** Hands {@code row} on as measured; returns it, for the scenario's own list. */
  public BenchRow measured(BenchRow row) {
    measured.accept(row);
    return row;
  }
}
