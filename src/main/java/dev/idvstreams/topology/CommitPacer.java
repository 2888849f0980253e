package dev.idvstreams.topology;

import java.time.Duration;
import org.apache.kafka.streams.processor.api.ProcessingContext;

/**
 * Asks Kafka Streams for a commit soon, at most once per interval. Under exactly-once nothing a
 * task writes (an answer, a re-keyed request) is visible downstream before its transaction
 * commits, and waiting for {@code commit.interval.ms} (100 ms) added up to that much at each hop;
 * the interval keeps a busy task from turning every loop of its thread into a transaction.
 */
final class CommitPacer {

  private final long intervalMs;
  private long lastRequestMs = Long.MIN_VALUE / 2;

  CommitPacer(Duration interval) {
    this.intervalMs = interval.toMillis();
  }

  /** Something was written that should be visible soon: ask for a commit unless one was asked for within the interval. */
  void written(ProcessingContext context) {
    long now = context.currentSystemTimeMs();
    if (now - lastRequestMs >= intervalMs) {
      lastRequestMs = now;
      context.commit();
    }
  }
}
