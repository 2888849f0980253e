package dev.idvstreams.topology;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;

/**
 * How many times each record (by {@code topic-partition@offset}) has stopped a stream thread of
 * this instance, kept where a restart finds it: a file in the instance's state directory, written
 * whole (a temporary file, then an atomic move) at each strike. Not in a store: under exactly-once
 * a store write is lost with the transaction that the failure aborts. A record that moves to
 * another instance is counted there from zero, so it can stop each instance
 * {@code poison.max-failures} times. Strikes are rare; the file keeps the latest
 * {@link #MAX_ENTRIES} positions.
 */
public final class PoisonStrikes {

  static final int MAX_ENTRIES = 1_000;
  private final Optional<Path> file;
  private final Map<String, Integer> strikes = new LinkedHashMap<>();

  private PoisonStrikes(Optional<Path> file) {
    this.file = file;
  }

  /** Strikes kept in {@code file}, read now if it exists. */
  public static PoisonStrikes inFile(Path file) {
    PoisonStrikes counts = new PoisonStrikes(Optional.of(file));
    if (Files.exists(file)) {
      try {
        for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
          int space = line.lastIndexOf(' ');
          if (space > 0) {
            counts.strikes.put(line.substring(0, space), Integer.parseInt(line.substring(space + 1).trim()));
          }
        }
      } catch (IOException | NumberFormatException e) {
        // a damaged file costs at most the counts it held: the records are counted again
        counts.strikes.clear();
      }
    }
    return counts;
  }

  /** Strikes kept in memory only, for tests and the demo. */
  public static PoisonStrikes inMemory() {
    return new PoisonStrikes(Optional.empty());
  }

  public synchronized int count(String position) {
    return strikes.getOrDefault(position, 0);
  }

  /** Counts one more stop by the record at {@code position}, kept before this returns. @return the count now */
  public synchronized int strike(String position) {
    int now = strikes.getOrDefault(position, 0) + 1;
    strikes.remove(position);
    strikes.put(position, now); // latest last, so the oldest go first
    while (strikes.size() > MAX_ENTRIES) {
      strikes.remove(strikes.keySet().iterator().next());
    }
    file.ifPresent(this::save);
    return now;
  }

  private void save(Path path) {
    StringBuilder text = new StringBuilder();
    strikes.forEach((position, count) -> text.append(position).append(' ').append(count).append('\n'));
    try {
      Files.createDirectories(path.getParent());
      Path temporary = path.resolveSibling(path.getFileName() + ".tmp");
      Files.writeString(temporary, text, StandardCharsets.UTF_8);
      Files.move(temporary, path, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot keep poison-record strikes in " + path, e);
    }
  }
}
