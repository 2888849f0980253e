package dev.idvstreams.group;

import dev.idvstreams.api.Api;
import dev.idvstreams.async.CallLane;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.state.HostInfo;
import org.apache.kafka.streams.StreamsMetadata;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This instance's part of each API's limit, from the partitions every instance of the group owns
 * now ({@link KafkaStreams#metadataForAllStreamsClients()}, which every member gets with each
 * assignment because the runtime sets {@code application.server}). {@link #refresh()} is cheap and
 * called often, on a worker thread: after every state change, and every fraction of a second.
 * Never from Kafka Streams' state listener itself: it runs holding the client's state lock, which
 * reading the metadata takes too. Until the first assignment,
 * and while this instance owns no partition, its part is 0: it makes no calls.
 *
 * <p>Every instance computes the same {@link LimitSplit} from the same assignment. A part that
 * shrinks applies at once and one that grows only after the limiter's delay, so while partitions
 * move the instance giving one up has stopped using its part before the one taking it over starts.
 *
 * <p>A limit smaller than the number of instances owning partitions goes round in turns of
 * {@link #TURN} by the wall clock ({@link LimitSplit}), which the instances' clocks must agree on
 * to well under the limiter's delay beyond a second (NTP does): at a turn's end the part moves as
 * on a rebalance, given up at once and taken up after the delay.
 */
public final class GroupShare {

  private static final Logger LOG = LoggerFactory.getLogger(GroupShare.class);

  private final KafkaStreams streams;
  private final HostInfo self;
  private final String callingTopic;
  private final Map<Api, Integer> limits;
  private final Function<Api, CallLane<?>> lanes;
  private final Map<Api, Integer> parts = new EnumMap<>(Api.class);
  /** How long the owners' turns last when a limit is smaller than their number; each change idles a part for the limiter's delay. */
  static final Duration TURN = Duration.ofSeconds(15);

  /**
   * @param self this instance's {@code application.server}
   * @param callingTopic the topic whose partitions the calling (deduplicating) tasks read
   * @param limits each API's limit for the whole group
   */
  public GroupShare(KafkaStreams streams, HostInfo self, String callingTopic, Map<Api, Integer> limits,
      Function<Api, CallLane<?>> lanes) {
    this.streams = streams;
    this.self = self;
    this.callingTopic = callingTopic;
    this.limits = Map.copyOf(limits);
    this.lanes = lanes;
  }

  /** Recomputes this instance's part of each limit from the group's current assignment. */
  public void refresh() {
    if (!streams.state().isRunningOrRebalancing()) {
      return; // no assignment to read; a closing instance keeps its part while it drains
    }
    Map<String, Integer> partitions = new TreeMap<>();
    for (StreamsMetadata client : streams.metadataForAllStreamsClients()) {
      long owned = client.topicPartitions().stream().filter(tp -> tp.topic().equals(callingTopic)).count();
      partitions.merge(client.hostInfo().toString(), (int) owned, Integer::sum);
    }
    partitions.putIfAbsent(self.toString(), 0);
    apply(partitions);
  }

  /** Kafka Streams' locks are not held here, nor this one while reading Kafka Streams. */
  private synchronized void apply(Map<String, Integer> partitions) {
    long turn = System.currentTimeMillis() / TURN.toMillis();
    for (Api api : Api.values()) {
      int part = LimitSplit.split(limits.get(api), partitions, turn).get(self.toString());
      Integer before = parts.put(api, part);
      if (before == null || before != part) {
        lanes.apply(api).setQuota(part);
        LOG.info("{}: this instance's part of the limit is {} of {} calls/s ({} of {} partitions of {}, {} instance(s))",
            api.action(), part, limits.get(api), partitions.get(self.toString()),
            partitions.values().stream().mapToInt(Integer::intValue).sum(), callingTopic, partitions.size());
      }
    }
  }
}
