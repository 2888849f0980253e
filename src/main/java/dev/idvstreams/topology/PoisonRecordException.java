package dev.idvstreams.topology;

/**
 * A record stopped a stream thread: {@link PoisonGuard} counted it, and the uncaught-exception
 * handler replaces the thread, which reads the record again (and dead-letters it once it has
 * stopped the processor {@code poison.max-failures} times). The message names the record's
 * position only, never its content.
 */
public final class PoisonRecordException extends RuntimeException {

  private final String position;
  private final int strikes;

  PoisonRecordException(String position, int strikes, int maxStrikes, Throwable cause) {
    super("record " + position + " stopped a stream thread (" + strikes + " of " + maxStrikes
      + " times before it is dead-lettered): " + Failures.describe(cause), cause, false, false);
    this.position = position;
    this.strikes = strikes;
  }

  /** {@code topic-partition@offset}. */
  public String position() {
    return position;
  }

  public int strikes() {
    return strikes;
  }

  /** The exception of this type in {@code error}'s chain, or null. */
  public static PoisonRecordException in(Throwable error) {
    for (Throwable t = error; t != null; t = t.getCause()) {
      if (t instanceof PoisonRecordException poison) {
        return poison;
      }
    }
    return null;
  }
}
