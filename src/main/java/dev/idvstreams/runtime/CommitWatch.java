package dev.idvstreams.runtime;

import java.util.HashMap;
import java.util.Map;
import java.util.function.ToLongFunction;
import java.util.function.Supplier;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.streams.KafkaStreams;

/**
 * Watches whether Kafka Streams commits. Its state says REBALANCING only once a member's
 * partitions change, but it stops committing as soon as a rebalance begins: while a member waits
 * in the join for slower ones (a starting JVM, a member that died), it stays RUNNING and commits
 * nothing. The stream threads' {@code commit-total} tells: a thread whose count has not moved for
 * {@code stallNanos} while it had work to commit (records processed, or calls settled by the
 * punctuator) is stalled.
 */
final class CommitWatch {

  private static final String THREAD_METRICS = "stream-thread-metrics";

  private final Supplier<Map<MetricName, ? extends Metric>> metrics;
  private final long stallNanos;
  private final ToLongFunction<String> settled;
  /** Per thread: commits and records processed when last seen to change, and when the commits changed. */
  private final Map<String, long[]> threads = new HashMap<>();

  /**
   * @param metrics Kafka Streams' metrics ({@link KafkaStreams#metrics()})
   * @param settled calls settled so far by the stream thread of this name, written into the stores
   *     and topics by its punctuator: work for its next commit
   */
  CommitWatch(Supplier<Map<MetricName, ? extends Metric>> metrics, long stallNanos, ToLongFunction<String> settled) {
    this.metrics = metrics;
    this.stallNanos = stallNanos;
    this.settled = settled;
  }

  /** Whether a stream thread has had work but no commit for longer than the stall time. Not thread-safe: one caller. */
  boolean stalled() {
    long now = System.nanoTime();
    Map<String, double[]> counts = new HashMap<>();
    for (Map.Entry<MetricName, ? extends Metric> metric : metrics.get().entrySet()) {
      MetricName name = metric.getKey();
      if (!THREAD_METRICS.equals(name.group())) {
        continue;
      }
      int slot = "commit-total".equals(name.name()) ? 0 : "process-total".equals(name.name()) ? 1 : -1;
      if (slot >= 0 && metric.getValue().metricValue() instanceof Number value) {
        counts.computeIfAbsent(name.tags().get("thread-id"), t -> new double[2])[slot] = value.doubleValue();
      }
    }
    boolean stalled = false;
    for (Map.Entry<String, double[]> thread : counts.entrySet()) {
      long commits = (long) thread.getValue()[0];
      long processed = (long) thread.getValue()[1] + settled.applyAsLong(thread.getKey());
      long[] seen = threads.computeIfAbsent(thread.getKey(), t -> new long[] {commits, processed, now});
      if (commits != seen[0] || processed == seen[1]) {
        // committed, or nothing processed since the last commit seen: nothing waits for a commit
        seen[0] = commits;
        seen[1] = processed;
        seen[2] = now;
      } else if (now - seen[2] > stallNanos) {
        stalled = true;
      }
    }
    threads.keySet().retainAll(counts.keySet());
    return stalled;
  }
}
