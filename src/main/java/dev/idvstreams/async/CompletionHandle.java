package dev.idvstreams.async;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

/**
 * The result slot of one in-flight call. Completing it is safe from any thread; only the first
 * completion counts, so a result reported twice (say, by a callback and by a shutdown path)
 * cannot be forwarded twice.
 */
public final class CompletionHandle<T> {

  private final AtomicBoolean done = new AtomicBoolean();
  private final Consumer<T> onFirstCompletion;

  CompletionHandle(Consumer<T> onFirstCompletion) {
    this.onFirstCompletion = onFirstCompletion;
  }

  /** @return true if this completed the handle, false if it had already been completed */
  public boolean complete(T value) {
    if (!done.compareAndSet(false, true)) {
      return false;
    }
    onFirstCompletion.accept(value);
    return true;
  }
}
