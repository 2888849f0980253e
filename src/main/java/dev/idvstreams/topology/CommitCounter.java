package dev.idvstreams.topology;

import java.util.Map;
import java.util.function.LongSupplier;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.apache.kafka.streams.StreamsMetrics;

/** Counts the commits that the stream thread running a task has completed. */
@FunctionalInterface
interface CommitCounter {

  /**
   * The stream thread's {@code commit-total}, which Kafka Streams records once per commit round
   * that committed at least one task, after the round succeeded (its producer flushed, its
   * offsets committed). Looked up on the stream thread itself, which names its metrics.
   */
  CommitCounter STREAM_THREAD = metrics -> {
    String thread = Thread.currentThread().getName();
    for (Map.Entry<MetricName, ? extends Metric> metric : metrics.metrics().entrySet()) {
      MetricName name = metric.getKey();
      if ("stream-thread-metrics".equals(name.group()) && "commit-total".equals(name.name())
          && thread.equals(name.tags().get("thread-id"))) {
        Metric total = metric.getValue();
        return () -> ((Number) total.metricValue()).longValue();
      }
    }
    throw new IllegalStateException("no stream-thread-metrics commit-total for thread " + thread
      + ": at_least_once cannot confirm that results were written");
  };

  /** The commits completed so far by the thread that calls this, as they grow. */
  LongSupplier of(StreamsMetrics metrics);
}
