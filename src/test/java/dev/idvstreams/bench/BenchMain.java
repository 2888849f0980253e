package dev.idvstreams.bench;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The benchmark command (issue 9): runs the chosen scenarios in order against an embedded KRaft
 * broker and the simulator, prints each row as it is measured, and writes
 * {@code <out>/<yyyy-MM-dd>.md} and {@code .json}. Not part of {@code mvn verify}: it passes or
 * fails nothing, it reports. Options: {@code --quick}, {@code --only a,b}, {@code --out DIR}.
 */
public final class BenchMain {

  private static final List<Scenario> SCENARIOS = List.of(new UtilisationScenario(), new NaiveScenario(),
      new InstancesScenario(), new DuplicatesScenario(), new OverheadScenario(), new MemoryScenario(),
      new StartScenario(), new GrowthScenario(), new MixedScenario(), new SkewScenario(), new RollingScenario());

  private BenchMain() {}

  public static void main(String[] args) throws Exception {
    PrintStream out = System.out;
    BenchSettings settings;
    try {
      settings = parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println(e.getMessage());
      System.err.println("usage: BenchMain [--quick] [--only " + String.join(",", names()) + "] [--out DIR]");
      System.exit(2);
      return;
    }
    MachineInfo machine = MachineInfo.current("bench/run.sh " + String.join(" ", args));
    List<ReportWriter.ScenarioReport> reports = new ArrayList<>();
    for (Scenario scenario : SCENARIOS) {
      if (settings.selects(scenario.name())) {
        reports.add(runOne(scenario, settings, out));
      }
    }
    for (Path written : new ReportWriter().write(settings.outDir(), machine, reports)) {
      out.println("wrote " + written);
    }
    // Kafka's and Vert.x's leftover non-daemon threads must not keep the command alive
    System.exit(reports.stream().anyMatch(r -> r.error() != null) ? 1 : 0);
  }

  /** A scenario that throws is reported as failed with the rows it had, and the others still run. */
  private static ReportWriter.ScenarioReport runOne(Scenario scenario, BenchSettings settings, PrintStream out) {
    out.println("== " + scenario.name() + ": " + scenario.description());
    List<BenchRow> rows = new ArrayList<>();
    BenchSettings forThis = new BenchSettings(settings.quick(), settings.only(), settings.outDir(), row -> {
      out.println("  " + row.oneLine());
      rows.add(row);
    });
    try {
      return new ReportWriter.ScenarioReport(scenario.name(), scenario.description(), scenario.run(forThis), null);
    } catch (Exception | AssertionError e) {
      e.printStackTrace();
      return new ReportWriter.ScenarioReport(scenario.name(), scenario.description(), rows, e.toString());
    }
  }

  static BenchSettings parse(String[] args) {
    boolean quick = false;
    List<String> only = new ArrayList<>();
    Path out = Path.of("bench", "results");
    for (int i = 0; i < args.length; i++) {
      switch (args[i]) {
        case "--quick" -> quick = true;
        case "--only" -> only.addAll(Arrays.asList(value(args, ++i, "--only").split(",")));
        case "--out" -> out = Path.of(value(args, ++i, "--out"));
        default -> throw new IllegalArgumentException("unknown option " + args[i]);
      }
    }
    for (String name : only) {
      if (!names().contains(name)) {
        throw new IllegalArgumentException("unknown scenario " + name);
      }
    }
    return new BenchSettings(quick, only, out, row -> { });
  }

  private static String value(String[] args, int i, String option) {
    if (i >= args.length) {
      throw new IllegalArgumentException(option + " needs a value");
    }
    return args[i];
  }

  private static List<String> names() {
    return SCENARIOS.stream().map(Scenario::name).toList();
  }
}
