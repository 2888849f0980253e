package dev.idvstreams.bench;

import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.concurrent.ConcurrentSkipListMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * The group's committed offsets on two topics, sampled twice a second: how far the group had read
 * its requests (and re-keyed them) and the re-keyed topic, when a run is read second by second.
 */
final class OffsetWatch implements AutoCloseable {

  private final Admin admin;
  private final ScheduledExecutorService sampler = Executors.newSingleThreadScheduledExecutor();
  private final NavigableMap<Long, long[]> samples = new ConcurrentSkipListMap<>();

  private OffsetWatch(Admin admin) {
    this.admin = admin;
  }

  static OffsetWatch start(String bootstrap, String group, String first, String second) {
    OffsetWatch watch = new OffsetWatch(Admin.create(Map.of("bootstrap.servers", bootstrap)));
    watch.sampler.scheduleAtFixedRate(() -> watch.sample(group, List.of(first, second)), 0, 500, TimeUnit.MILLISECONDS);
    return watch;
  }

  private void sample(String group, List<String> topics) {
    try {
      Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(group)
          .partitionsToOffsetAndMetadata().get(2, TimeUnit.SECONDS);
      long[] sums = new long[topics.size()];
      committed.forEach((partition, offset) -> {
        int index = topics.indexOf(partition.topic());
        if (index >= 0 && offset != null) {
          sums[index] += offset.offset();
        }
      });
      samples.put(System.currentTimeMillis(), sums);
    } catch (Exception e) {
      // a sample missed: the next one tells
    }
  }

  /** Time (ms since the epoch) to the sums of committed offsets on each topic. */
  NavigableMap<Long, long[]> samples() {
    return samples;
  }

  @Override
  public void close() {
    sampler.shutdownNow();
    admin.close();
  }
}
