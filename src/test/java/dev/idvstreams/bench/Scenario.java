package dev.idvstreams.bench;

import java.util.List;

/** One benchmark: a name for {@code --only}, a sentence for the report, and the rows it measures. */
public interface Scenario {

  String name();

  /** What is measured against what, as the report's heading text. */
  String description();

  /**
   * Runs every case of the scenario; each row carries its own baseline or limit, measured in the
   * same run, so a slower or faster machine moves both sides of each ratio.
   */
  List<BenchRow> run(BenchSettings settings) throws Exception;
}
