package dev.idvstreams.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.common.Metric;
import org.apache.kafka.common.MetricName;
import org.junit.jupiter.api.Test;

class CommitWatchTest {

  private final Map<MetricName, Metric> metrics = new HashMap<>();
  private final AtomicLong settled = new AtomicLong();
  /** Stalled as soon as a sample shows work and no commit since the one before. */
  private final CommitWatch watch = new CommitWatch(() -> metrics, 0, thread -> thread.equals("t1") ? settled.get() : 0);

  private void thread(String id, long commits, long processed) {
    put(id, "commit-total", commits);
    put(id, "process-total", processed);
  }

  private void put(String thread, String name, long value) {
    MetricName metricName = new MetricName(name, "stream-thread-metrics", "", Map.of("thread-id", thread));
    metrics.put(metricName, new Metric() {
      @Override
      public MetricName metricName() {
        return metricName;
      }

      @Override
      public Object metricValue() {
        return (double) value;
      }
    });
  }

  @Test
  void shouldNotBeStalledWhileCommitsFollowTheWork() {
    thread("t1", 1, 10);
    assertThat(watch.stalled()).isFalse();
    thread("t1", 2, 20);
    assertThat(watch.stalled()).isFalse();
  }

  @Test
  void shouldNotBeStalledWhenIdle() {
    thread("t1", 5, 10);
    watch.stalled();
    assertThat(watch.stalled()).as("no work, no commit: nothing waits").isFalse();
  }

  @Test
  void shouldBeStalledWhenRecordsAreProcessedButNothingIsCommitted() {
    thread("t1", 5, 10);
    watch.stalled();
    thread("t1", 5, 30);
    assertThat(watch.stalled()).isTrue();
    thread("t1", 6, 31);
    assertThat(watch.stalled()).as("a commit ends the stall").isFalse();
  }

  @Test
  void shouldCountSettledCallsAsWorkToCommit() {
    thread("t1", 5, 10);
    watch.stalled();
    settled.addAndGet(3);
    assertThat(watch.stalled()).isTrue();
  }

  @Test
  void shouldCountOnlyTheCallsSettledOnTheThreadItself() {
    thread("t1", 5, 10);
    thread("t2", 7, 10);
    watch.stalled();
    thread("t1", 6, 10); // t1 commits what it settled
    settled.addAndGet(3);
    assertThat(watch.stalled()).as("t2 settled nothing: it has nothing to commit").isFalse();
  }

  @Test
  void shouldIgnoreOtherMetrics() {
    metrics.put(new MetricName("commit-total", "producer-metrics", "", Map.of()), null);
    assertThat(watch.stalled()).isFalse();
  }

  @Test
  void shouldCountAStallFromTheFirstSampleThatSawTheWork() {
    // samples far apart (an idle instance): work seen after a long quiet is not a stall yet
    CommitWatch slow = new CommitWatch(() -> metrics, java.util.concurrent.TimeUnit.HOURS.toNanos(1), thread -> 0);
    thread("t1", 5, 10);
    slow.stalled();
    thread("t1", 5, 11);
    assertThat(slow.stalled()).isFalse();
  }

  @Test
  void shouldFindTheThreadsMetricsAgainOnlyOncePerRescan() {
    CommitWatch cached = new CommitWatch(() -> metrics, 0, thread -> 0, java.util.concurrent.TimeUnit.HOURS.toNanos(1));
    thread("t1", 5, 10);
    cached.stalled();
    thread("t2", 1, 10); // a thread that appears is found at the next scan, not before
    thread("t1", 5, 30); // new Metric objects: the cached ones still read the old values
    assertThat(cached.stalled()).isFalse();
  }
}
