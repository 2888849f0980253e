package dev.idvstreams.simulator;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The text a call's outcome is derived from: its parameter values, and the bytes of inline images
 * read as Latin-1 (so a marker written into a test image's bytes counts). A marker is
 * {@code sim-NAME} or {@code sim-NAME-VALUE}, where VALUE is letters, digits and underscores, with
 * dotted parts only when they start with a capital ({@code Forbidden.ExceptionDataSource}), so that
 * {@code sim-status-6.jpg} reads as 6. docs/simulator.md lists the markers.
 */
final class Markers {

  private final String text;

  Markers(String text) {
    this.text = text;
  }

  boolean has(String name) {
    return text.contains("sim-" + name);
  }

  /** The VALUE of the first {@code sim-NAME-VALUE}. */
  Optional<String> value(String name) {
    List<String> all = values(name);
    return all.isEmpty() ? Optional.empty() : Optional.of(all.get(0));
  }

  /** The VALUEs of every {@code sim-NAME-VALUE}, in order. */
  List<String> values(String name) {
    Matcher m = Pattern.compile("sim-" + Pattern.quote(name) + "-([A-Za-z0-9_]+(?:\\.[A-Z][A-Za-z0-9_]*)*)").matcher(text);
    List<String> found = new ArrayList<>();
    while (m.find()) {
      found.add(m.group(1));
    }
    return found;
  }
}
