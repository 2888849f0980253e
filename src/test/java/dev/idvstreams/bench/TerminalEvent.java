package dev.idvstreams.bench;

/**
 * A result or dead letter as read: the bizId it answers (null for an unreadable record), its record
 * timestamp (set by whoever wrote it), when the reader got it (once committed), and for a result
 * whether it was replayed from the dedup store and when the answer was final ({@code completedAt}).
 */
public record TerminalEvent(String bizId, boolean deadLetter, long recordTimestamp, long receivedAt, boolean replayed,
    long completedAt, String outcome) {

  /** Whether it answers one of the bizIds {@code prefix-*} ({@link BenchRequests#valid}). */
  public boolean answers(String prefix) {
    return bizId != null && bizId.startsWith(prefix + "-");
  }
}
