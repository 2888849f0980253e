package dev.idvstreams.bench;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Writes a run as {@code <date>.md} (one table per scenario) and {@code <date>.json} (the same
 * rows), replacing the files of an earlier run on the same day.
 */
public final class ReportWriter {

  private final ObjectMapper json = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);

  /** A scenario as reported: its name, its description, the rows measured, and why it failed if it did. */
  public record ScenarioReport(String name, String description, List<BenchRow> rows, String error) {}

  /** Writes both files into {@code dir}; returns their paths, the Markdown first. */
  public List<Path> write(Path dir, MachineInfo machine, List<ScenarioReport> scenarios) throws IOException {
    Files.createDirectories(dir);
    Path md = dir.resolve(machine.date() + ".md");
    Path js = dir.resolve(machine.date() + ".json");
    Files.writeString(md, markdown(machine, scenarios), StandardCharsets.UTF_8);
    Map<String, Object> document = new LinkedHashMap<>();
    document.put("machine", machine);
    document.put("scenarios", scenarios);
    json.writeValue(js.toFile(), document);
    return List.of(md, js);
  }

  String markdown(MachineInfo machine, List<ScenarioReport> scenarios) {
    StringBuilder md = new StringBuilder();
    md.append("# idv-streams benchmark, ").append(machine.date()).append("\n\n");
    md.append("Every figure is set against a baseline or a limit measured in the same run, on the same machine.\n\n");
    md.append("| | |\n|---|---|\n");
    md.append("| started | ").append(machine.startedAt()).append(" |\n");
    md.append("| cores | ").append(machine.cores()).append(" |\n");
    md.append("| max heap | ").append(machine.maxHeapMb()).append(" MB |\n");
    md.append("| java | ").append(machine.java()).append(" |\n");
    md.append("| os | ").append(machine.os()).append(" |\n");
    md.append("| command | `").append(machine.command()).append("` |\n\n");
    for (ScenarioReport scenario : scenarios) {
      md.append("## ").append(scenario.name()).append("\n\n").append(scenario.description()).append("\n\n");
      if (scenario.error() != null) {
        md.append("**Failed:** ").append(scenario.error()).append("\n\n");
      }
      if (!scenario.rows().isEmpty()) {
        table(md, scenario.rows());
      }
    }
    return md.toString();
  }

  /** One column per figure name, in the order the rows first name them. */
  private static void table(StringBuilder md, List<BenchRow> rows) {
    Set<String> names = new LinkedHashSet<>();
    rows.forEach(row -> names.addAll(row.figures().keySet()));
    List<String> header = new ArrayList<>();
    header.add("case");
    header.addAll(names);
    header.add("target");
    header.add("met");
    md.append("| ").append(String.join(" | ", header)).append(" |\n");
    md.append("|").append("---|".repeat(header.size())).append("\n");
    for (BenchRow row : rows) {
      List<String> cells = new ArrayList<>();
      cells.add(row.label());
      names.forEach(name -> cells.add(row.figures().containsKey(name) ? Figures.format(row.figures().get(name)) : ""));
      cells.add(row.target() == null ? "" : row.target());
      cells.add(row.met() == null ? "n/a" : row.met() ? "yes" : "**no**");
      md.append("| ").append(String.join(" | ", cells)).append(" |\n");
    }
    md.append("\n");
  }
}
