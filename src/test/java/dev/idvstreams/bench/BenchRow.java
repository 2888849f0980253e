package dev.idvstreams.bench;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * One measured case of a scenario: its figures in the order they are to be shown (numbers or
 * short texts), the target in words, and whether it was met ({@code null} when the case has no
 * target).
 */
public record BenchRow(String scenario, String label, Map<String, Object> figures, String target, Boolean met) {

  public BenchRow {
    figures = Collections.unmodifiableMap(new LinkedHashMap<>(figures));
  }

  /** One line for the console, as the row is measured. */
  public String oneLine() {
    StringBuilder line = new StringBuilder(scenario).append(" | ").append(label);
    figures.forEach((name, value) -> line.append(" | ").append(name).append('=').append(Figures.format(value)));
    if (target != null) {
      line.append(" | target ").append(target).append(": ").append(met == null ? "n/a" : met ? "met" : "NOT met");
    }
    return line.toString();
  }
}
