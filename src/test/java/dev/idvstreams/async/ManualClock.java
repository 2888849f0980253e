package dev.idvstreams.async;

import java.time.Duration;
import java.util.function.LongSupplier;

/** A nanosecond clock that moves only when told to, for exact assertions about time. */
final class ManualClock implements LongSupplier {

  // An arbitrary origin, as System.nanoTime has one: code must only ever use differences.
  private long nanos = 987_654_321_000L;

  @Override
  public synchronized long getAsLong() {
    return nanos;
  }

  synchronized void advance(Duration by) {
    nanos += by.toNanos();
  }

  synchronized void advanceNanos(long by) {
    nanos += by;
  }
}
