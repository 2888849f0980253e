package dev.idvstreams.runtime;

import dev.idvstreams.config.IdvConfig;
import dev.idvstreams.topology.DecodeDeadLetterHandler;
import dev.idvstreams.topology.ProcessingFailureHandler;
import dev.idvstreams.topology.ProductionFailureHandler;
import dev.idvstreams.topology.WallClockOnInvalidTimestamp;
import java.time.Duration;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.streams.StreamsConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The properties Kafka Streams runs with: the Kafka defaults the processor chooses (each with its
 * reason), the operator's {@code kafka.*} keys over them, and the processor's own handlers, which
 * no key replaces.
 */
final class StreamsProperties {

  private static final Logger LOG = LoggerFactory.getLogger(StreamsProperties.class);

  /**
   * The longest the stream thread waits in {@code poll} while the instance has work
   * ({@link LoadFollowingPolls}): answers are forwarded between polls.
   */
  static final Duration BUSY_POLL = Duration.ofMillis(10);
  /**
   * Its {@code poll.ms} otherwise (Kafka Streams' default 100 ms): a record ends a poll at once,
   * so only the wake-ups of an idle thread depend on it, and how soon it notices a shutdown.
   */
  private static final String IDLE_POLL_MS = "500";

  /**
   * Under group.protocol=streams, the main consumer's wait for a client call such as reading a new
   * task's committed offsets, unless set: Kafka's 60 s held one migrated task 60 s in the rolling
   * benchmark, where the consumer (the one the streams protocol uses) never sent its offset fetch
   * and logged hundreds of "A duplicated, inflight, request was identified, but unable to find it in
   * the outbound buffer"; Kafka Streams then retried in its next loop and the task ran at once
   * (docs/deployment.md, "Which group protocol"). A timeout there is retried, within
   * task.timeout.ms, so a shorter one only bounds such a wait.
   */
  static final String STREAMS_PROTOCOL_API_TIMEOUT_MS = "10000";

  private StreamsProperties() {}

  /** The operator's {@code kafka.*} keys, with the processor's defaults under them and its handlers over them. */
  static Properties of(IdvConfig config) {
    Properties props = new Properties();
    props.putAll(config.kafkaStreamsProperties());
    boolean streamsProtocol = config.streamsGroupProtocol();
    if (streamsProtocol) {
      // Kafka Streams refuses static membership under its own protocol (brokers before 4.4 lack it):
      // the member id (HOSTNAME by default) then names the instance in logs only
      config.groupInstanceId().ifPresent(id -> LOG.info("group.protocol=streams: no static membership for {}", id));
    } else {
      config.groupInstanceId().ifPresent(id ->
        props.put(StreamsConfig.mainConsumerPrefix(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG), id));
    }
    // A member that died is noticed in 10 s, not Kafka Streams' 45: a rebalance waits for it no
    // longer, and its partitions move sooner. The EOS transaction timeout stays Kafka Streams' 10 s:
    // a longer one delays every return after a crash (30 s made a restarted member wait 25-44 s
    // in the three-instance test, 10 s 16-19 s; docs/design.md, "Crash, restart and rebalance").
    // Since no call starts while commits stall, a rebalance longer than that costs few calls.
    // Both can be set as kafka.* keys.
    props.putIfAbsent(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, "10000");
    props.putIfAbsent(ProducerConfig.TRANSACTION_TIMEOUT_CONFIG, "10000");
    // A member learns of a rebalance from a heartbeat's answer: 1 s, not 3, so that it rejoins sooner
    props.putIfAbsent(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, "1000");
    // An answer is forwarded between two polls of the stream thread (a punctuation every 20 ms):
    // with no new record the thread waits in poll for poll.ms, Kafka Streams' 100 ms of which
    // added up to 100 ms to every answer (bench/: overhead). LoadFollowingPolls keeps a poll to
    // 10 ms while calls are in flight or requests wait, and poll.ms is what an idle thread waits:
    // 10 ms for every poll kept an idle thread looping 100 times a second (docs/performance.md,
    // "CPU: idle and per call"). Under group.protocol=streams the wrapper is not used: 10 ms.
    props.putIfAbsent(StreamsConfig.POLL_MS_CONFIG, streamsProtocol ? String.valueOf(BUSY_POLL.toMillis()) : IDLE_POLL_MS);
    String apiTimeout = ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG;
    if (streamsProtocol && !props.containsKey(apiTimeout) && !props.containsKey(StreamsConfig.consumerPrefix(apiTimeout))
        && !props.containsKey(StreamsConfig.mainConsumerPrefix(apiTimeout))) {
      props.put(StreamsConfig.mainConsumerPrefix(apiTimeout), STREAMS_PROTOCOL_API_TIMEOUT_MS);
    }
    // fetch.max.wait.ms stays the consumer's 500 ms: the broker answers a waiting fetch as soon as
    // records (or, read_committed, a transaction's end) arrive; 20 ms made an idle consumer fetch
    // 50 times a second. Not the logs' 5 s (LogClients): Kafka Streams closes its consumer
    // gracefully, and a fetch waiting at the broker holds that close, and the instance's
    // partitions, for as long (4.6 s in the rolling benchmark)
    // Under exactly-once each commit waits for the broker to take every record written since the
    // last: fewer bytes, shorter waits (duplicates answered from the store: +15% records/s in bench/)
    props.putIfAbsent(StreamsConfig.producerPrefix(ProducerConfig.COMPRESSION_TYPE_CONFIG), "lz4");
    // no record stops the processor: unreadable ones, failures inside the topology and records
    // Kafka refuses end as dead letters; a negative timestamp is no reason to fail
    props.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, DecodeDeadLetterHandler.class);
    props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, ProcessingFailureHandler.class);
    // the topology has no global store; enabled, the handler would cover one, and Kafka Streams no
    // longer warns at every StreamsConfig it builds that it does not
    props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_GLOBAL_ENABLED_CONFIG, true);
    props.put(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG, ProductionFailureHandler.class);
    props.put(StreamsConfig.DEFAULT_TIMESTAMP_EXTRACTOR_CLASS_CONFIG, WallClockOnInvalidTimestamp.class);
    props.putAll(config.schemaRegistry().asProperties());
    return props;
  }
}
