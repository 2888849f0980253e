package dev.idvstreams.group;

import dev.idvstreams.api.Api;
import dev.idvstreams.kafka.LogClients;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The share log: one partition of an internal topic, {@code <application.id>-limit-share}, on which
 * the instances of the group exchange their claims and demands ({@link ShareAgent}). Nothing but
 * Kafka: each instance writes under its own key (a UUID per process) and reads the whole partition
 * from the start on its own thread, without a consumer group. The topic is compacted (each key's
 * latest message is what counts) and its records expire after an hour, so the keys of processes
 * that died without a goodbye go away; it takes the broker's time (LogAppendTime), the one clock
 * the leases are read on.
 */
public final class ShareLog implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ShareLog.class);
  /** How long the thread waits for records before it looks at its own demand again, while the instance has work. */
  private static final Duration POLL = Duration.ofMillis(100);
  /**
   * The same while it has none: work that arrives then waits up to this long to be told (the
   * others' messages, twice a second each, end a poll sooner), and an idle instance's thread wakes
   * 2 times a second instead of 10. A poll ends sooner when a claim falls by itself meanwhile
   * ({@link ShareAgent#untilAClaimFalls}).
   */
  private static final Duration IDLE_POLL = Duration.ofMillis(500);
  /** Past the moment a claim falls ({@link ShareAgent#untilAClaimFalls}): the call has surely left the lane's window. */
  private static final Duration CLAIM_FALL_SLACK = Duration.ofMillis(2);
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

  private final String topic;
  private final String self = UUID.randomUUID().toString();
  private final KafkaConsumer<String, byte[]> consumer;
  private final KafkaProducer<String, byte[]> producer;
  private final ShareAgent agent;
  private final Supplier<Map<Api, Long>> demands;
  private final BooleanSupplier busy;
  private final Thread thread;
  private volatile boolean running = true;
  /** Limits set since the last loop (the control topic), handed to the agent on its thread. */
  private final Map<Api, Integer> newLimits = new ConcurrentHashMap<>();

  /**
   * @param clientConfigs how to reach the cluster (bootstrap servers, security); the clients' own
   *     settings are added here
   * @param limits each API's limit for the whole group
   * @param lanes this instance's lanes: their parts of each limit, and when they called
   * @param demands this instance's demand per API now ({@link LaneDemand})
   * @param busy whether the instance has work now: its demand may change at any moment
   */
  public ShareLog(Map<String, Object> clientConfigs, String topic, Map<Api, Integer> limits, ShareAgent.Lanes lanes,
      Supplier<Map<Api, Long>> demands, BooleanSupplier busy, ShareAgent.Timing timing) {
    this.topic = topic;
    this.demands = demands;
    this.busy = busy;
    this.consumer = new KafkaConsumer<>(LogClients.consumerConfigs(clientConfigs), new StringDeserializer(),
        new ByteArrayDeserializer());
    this.producer = new KafkaProducer<>(LogClients.producerConfigs(clientConfigs), new StringSerializer(),
        new ByteArraySerializer());
    this.agent = new ShareAgent(self, limits, timing, (message, sentNanos) ->
        producer.send(new ProducerRecord<>(topic, 0, self, message.encode()), (metadata, error) -> {
          if (error == null) {
            agent().acked(sentNanos);
          }
        }), lanes, System::nanoTime);
    this.thread = new Thread(this::run, "idv-limit-share");
    thread.setDaemon(true);
  }

  /** The topic's name for an application. */
  public static String topicName(String applicationId) {
    return applicationId + "-limit-share";
  }

  /**
   * Creates the topic unless it exists: one partition, compacted, records gone after an hour,
   * LogAppendTime.
   *
   * @param replicationFactor empty for the broker's default
   */
  public static void createTopic(Admin admin, String topic, Optional<Short> replicationFactor) {
    NewTopic share = new NewTopic(topic, Optional.of(1), replicationFactor).configs(Map.of(
        TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT + "," + TopicConfig.CLEANUP_POLICY_DELETE,
        TopicConfig.RETENTION_MS_CONFIG, String.valueOf(Duration.ofHours(1).toMillis()),
        TopicConfig.SEGMENT_MS_CONFIG, String.valueOf(Duration.ofMinutes(10).toMillis()),
        TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, "LogAppendTime"));
    LogClients.createTopic(admin, share, "the share log topic");
  }

  public void start() {
    thread.start();
  }

  /** The group's limit for {@code api} is now {@code limit}: this instance says so from its next message ({@link ShareAgent#setLimit}). Any thread. */
  public void setLimit(Api api, int limit) {
    newLimits.put(api, limit);
  }

  private ShareAgent agent() {
    return agent;
  }

  private void run() {
    try {
      TopicPartition partition = LogClients.readFromStart(consumer, topic);
      while (running) {
        Duration poll = busy.getAsBoolean() ? POLL : IDLE_POLL;
        Optional<Duration> claimFalls = agent.untilAClaimFalls();
        if (claimFalls.isPresent() && claimFalls.get().compareTo(poll) < 0) {
          poll = claimFalls.get().plus(CLAIM_FALL_SLACK);
        }
        for (ConsumerRecord<String, byte[]> record : consumer.poll(poll)) {
          if (record.key() == null) {
            continue; // not one of ours: every message is keyed by its writer
          }
          ShareMessage message = record.value() == null ? null : ShareMessage.decode(record.value()).orElseGet(() -> {
            LOG.warn("Unreadable value at {}@{} of the share log: its key {} is taken to claim every limit until it"
                + " expires or writes again", partition, record.offset(), record.key());
            return ShareMessage.unreadable();
          });
          agent.onRecord(record.key(), message, record.timestamp());
        }
        for (Api api : Api.values()) {
          Integer limit = newLimits.remove(api);
          if (limit != null) {
            agent.setLimit(api, limit);
          }
        }
        agent.tick(demands.get());
      }
    } catch (WakeupException e) {
      // closing
    } catch (RuntimeException e) {
      // the lease runs out and every part drops: the instance calls no more, the group goes on
      LOG.error("The share log's thread stopped; this instance's parts of the limits fall to 0", e);
      agent.leave();
    }
  }

  /**
   * Gives every part back: stops the thread, drops the parts to 0 (no call starts after this), then
   * writes a tombstone, so that the others take the parts over without waiting for the lease.
   */
  @Override
  public void close() {
    running = false;
    LogClients.closeReader(thread, consumer, CLOSE_TIMEOUT);
    agent.leave();
    producer.send(new ProducerRecord<>(topic, 0, self, null));
    producer.close(CLOSE_TIMEOUT);
  }
}
