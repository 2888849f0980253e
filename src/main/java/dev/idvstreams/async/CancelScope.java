package dev.idvstreams.async;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Everything started on behalf of one owner (a stream task), cancelled together when the owner
 * closes. A request registers its cancel action while it runs and removes it when it ends, so a
 * long-lived scope holds only the requests still running. Thread-safe.
 */
public final class CancelScope {

  /** A scope that is never cancelled. */
  public static final CancelScope NEVER = new CancelScope();

  private final Set<Runnable> running = ConcurrentHashMap.newKeySet();
  private volatile boolean cancelled;

  /**
   * Registers {@code onCancel}, run once when the scope is cancelled (at once if it already is).
   *
   * @return removes the registration
   */
  public Runnable register(Runnable onCancel) {
    if (this == NEVER) {
      return () -> { };
    }
    running.add(onCancel);
    if (cancelled && running.remove(onCancel)) {
      onCancel.run();
    }
    return () -> running.remove(onCancel);
  }

  /** Cancels everything registered now and later. */
  public void cancel() {
    if (this == NEVER) {
      throw new IllegalStateException("the NEVER scope cannot be cancelled");
    }
    cancelled = true;
    for (Runnable onCancel : running) {
      if (running.remove(onCancel)) {
        onCancel.run();
      }
    }
  }

  public boolean isCancelled() {
    return cancelled;
  }

  /** How many registrations are running: requests started in this scope and not ended. */
  public int running() {
    return running.size();
  }
}
