package dev.idvstreams.simulator;

import java.util.HashMap;
import java.util.Map;

/**
 * Remembers accepted calls by key for a window, so that the same call again within it is answered
 * {@code Forbidden.ExceptionRepeatedInvoke} (docs/provider-apis.md#error-classes).
 */
final class RepeatGuard {

  private final long windowNanos;
  private final Map<String, Long> lastSeen = new HashMap<>();

  RepeatGuard(long windowNanos) {
    this.windowNanos = windowNanos;
  }

  /** True when {@code key} was seen within the window; otherwise remembers it and answers false. */
  synchronized boolean isRepeat(String key, long nowNanos) {
    lastSeen.values().removeIf(seen -> nowNanos - seen >= windowNanos);
    if (lastSeen.containsKey(key)) {
      return true;
    }
    lastSeen.put(key, nowNanos);
    return false;
  }
}
