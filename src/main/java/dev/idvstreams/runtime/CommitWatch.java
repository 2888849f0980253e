package dev.idvstreams.runtime;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
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
  private static final long NOTHING_WAITS = Long.MIN_VALUE;

  private final Supplier<Map<MetricName, ? extends Metric>> metrics;
  private final long stallNanos;
  private final ToLongFunction<String> settled;
  private final long rescanNanos;
  private List<Map.Entry<MetricName, ? extends Metric>> watched;
  private long scannedAt;
  /**
   * Per thread: commits and records processed when last seen to change, and the first sample that
   * saw work waiting for a commit ({@link #NOTHING_WAITS} while none waits).
   */
  private final Map<String, long[]> threads = new HashMap<>();

  /**
   * @param metrics Kafka Streams' metrics ({@link KafkaStreams#metrics()})
   * @param settled calls settled so far by the stream thread of this name, written into the stores
   *     and topics by its punctuator: work for its next commit
   */
  CommitWatch(Supplier<Map<MetricName, ? extends Metric>> metrics, long stallNanos, ToLongFunction<String> settled) {
    this(metrics, stallNanos, settled, 0);
  }

  /**
   * @param rescanNanos how long the stream threads' two metrics found in {@code metrics} are read
   *     without looking for them again: all of Kafka Streams' metrics (of every client, partition
   *     and task) are many, and copying them at every sample was most of the watch's cost; a
   *     stream thread that replaces another is watched from the next scan on
   */
  CommitWatch(Supplier<Map<MetricName, ? extends Metric>> metrics, long stallNanos, ToLongFunction<String> settled,
      long rescanNanos) {
    this.metrics = metrics;
    this.stallNanos = stallNanos;
    this.settled = settled;
    this.rescanNanos = rescanNanos;
  }

  /** The commit-total and process-total metrics of the stream threads, found again once per {@link #rescanNanos}. */
  private List<Map.Entry<MetricName, ? extends Metric>> watched(long now) {
    if (watched == null || watched.isEmpty() || now - scannedAt >= rescanNanos) {
      List<Map.Entry<MetricName, ? extends Metric>> found = new ArrayList<>();
      for (Map.Entry<MetricName, ? extends Metric> metric : metrics.get().entrySet()) {
        MetricName name = metric.getKey();
        if (THREAD_METRICS.equals(name.group()) && metric.getValue() != null
            && ("commit-total".equals(name.name()) || "process-total".equals(name.name()))) {
          found.add(Map.entry(name, metric.getValue())); // the metric itself, which reads its current value
        }
      }
      watched = found;
      scannedAt = now;
    }
    return watched;
  }

  /** Whether a stream thread has had work but no commit for longer than the stall time. Not thread-safe: one caller. */
  boolean stalled() {
    long now = System.nanoTime();
    Map<String, double[]> counts = new HashMap<>();
    for (Map.Entry<MetricName, ? extends Metric> metric : watched(now)) {
      MetricName name = metric.getKey();
      int slot = "commit-total".equals(name.name()) ? 0 : "process-total".equals(name.name()) ? 1 : -1;
      if (slot >= 0 && metric.getValue().metricValue() instanceof Number value) {
        counts.computeIfAbsent(name.tags().get("thread-id"), t -> new double[2])[slot] = value.doubleValue();
      }
    }
    boolean stalled = false;
    for (Map.Entry<String, double[]> thread : counts.entrySet()) {
      long commits = (long) thread.getValue()[0];
      long processed = (long) thread.getValue()[1] + settled.applyAsLong(thread.getKey());
      long[] seen = threads.computeIfAbsent(thread.getKey(), t -> new long[] {commits, processed, NOTHING_WAITS});
      if (commits != seen[0] || processed == seen[1]) {
        // committed, or nothing processed since the last commit seen: nothing waits for a commit
        seen[0] = commits;
        seen[1] = processed;
        seen[2] = NOTHING_WAITS;
      } else {
        // work waits for a commit since this sample at the latest: the samples may be far apart
        // while the instance is idle, so the stall counts from the first one that saw the work
        if (seen[2] == NOTHING_WAITS) {
          seen[2] = now;
        }
        if (now - seen[2] >= stallNanos) {
          stalled = true;
        }
      }
    }
    threads.keySet().retainAll(counts.keySet());
    return stalled;
  }
}
