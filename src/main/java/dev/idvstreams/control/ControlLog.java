package dev.idvstreams.control;

import dev.idvstreams.kafka.LogClients;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows the control topic, {@code <application.id>-control}: one compacted partition that every
 * instance reads whole, from the start, on its own thread, without a consumer group, so every
 * instance puts the same settings in force within a poll of each record (half a second). A
 * malformed record is logged once and ignored; nothing stops.
 */
public final class ControlLog implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ControlLog.class);
  private static final Duration POLL = Duration.ofMillis(500);
  /**
   * How long the running thread waits for a record: a record ends the wait at once, and closing
   * wakes it, so only how often a quiet log's thread wakes depends on it.
   */
  private static final Duration WAIT = Duration.ofSeconds(5);
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);

  private final String topic;
  private final KafkaConsumer<String, byte[]> consumer;
  private final Consumer<ControlState> changed;
  private final Thread thread;
  private volatile boolean running = true;
  private volatile ControlState state = ControlState.EMPTY;

  /**
   * @param clientConfigs how to reach the cluster (bootstrap servers, security)
   * @param changed told each new state in force, on the log's thread
   */
  public ControlLog(Map<String, Object> clientConfigs, String topic, Consumer<ControlState> changed) {
    this.topic = topic;
    this.changed = changed;
    this.consumer = new KafkaConsumer<>(LogClients.consumerConfigs(clientConfigs), new StringDeserializer(),
        new ByteArrayDeserializer());
    this.thread = new Thread(this::run, "idv-control");
    thread.setDaemon(true);
  }

  /** The topic's name for an application. */
  public static String topicName(String applicationId) {
    return applicationId + "-control";
  }

  /**
   * Creates the topic unless it exists: one partition, compacted (each setting's latest record is
   * what counts, for good).
   *
   * @param replicationFactor empty for the broker's default
   */
  public static void createTopic(Admin admin, String topic, Optional<Short> replicationFactor) {
    NewTopic control = new NewTopic(topic, Optional.of(1), replicationFactor)
        .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT));
    LogClients.createTopic(admin, control, "the control topic");
  }

  /**
   * Reads the topic up to its end as it is now, puts what it holds in force ({@code changed} is
   * told, here), then follows it on its own thread: the settings on the topic hold from an
   * instance's first call, never the file's for a moment.
   *
   * @throws IllegalStateException when the topic cannot be read to its end within {@code timeout}
   */
  public void start(Duration timeout) {
    ControlState read = catchUp(consumer, topic, timeout);
    state = read;
    changed.accept(read);
    thread.start();
  }

  /** The settings the topic holds now, read to its end once (the {@code control show} command). */
  public static ControlState read(Map<String, Object> clientConfigs, String topic, Duration timeout) {
    KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(LogClients.consumerConfigs(clientConfigs),
        new StringDeserializer(), new ByteArrayDeserializer());
    try {
      return catchUp(consumer, topic, timeout);
    } finally {
      // not waiting for a fetch left waiting at the broker (LogClients.closeReader)
      consumer.close(CloseOptions.timeout(Duration.ZERO));
    }
  }

  /** Assigns the topic's partition to {@code consumer} and reads it from the start to its end as it is now. */
  private static ControlState catchUp(KafkaConsumer<String, byte[]> consumer, String topic, Duration timeout) {
    TopicPartition partition = LogClients.readFromStart(consumer, topic);
    long end = consumer.endOffsets(List.of(partition), timeout).get(partition);
    long giveUpAt = System.nanoTime() + timeout.toNanos();
    ControlState read = ControlState.EMPTY;
    while (consumer.position(partition, timeout) < end) {
      if (System.nanoTime() > giveUpAt) {
        throw new IllegalStateException("Could not read the control topic " + topic + " to its end (offset " + end
            + ") within " + timeout.toSeconds() + " s");
      }
      read = apply(read, consumer.poll(POLL), partition);
    }
    return read;
  }

  /** The settings in force now. */
  public ControlState state() {
    return state;
  }

  private void run() {
    TopicPartition partition = new TopicPartition(topic, 0);
    try {
      while (running) {
        ControlState next = apply(state, consumer.poll(WAIT), partition);
        if (!next.equals(state)) {
          state = next;
          changed.accept(next);
        }
      }
    } catch (WakeupException e) {
      // closing
    } catch (RuntimeException e) {
      // the settings in force stay; new ones are not seen until a restart
      LOG.error("The control topic's thread stopped: settings written from now on are not seen until a restart", e);
    }
  }

  /** {@code state} with {@code records} applied, each logged once: malformed ones ignored. */
  private static ControlState apply(ControlState state, Iterable<ConsumerRecord<String, byte[]>> records,
      TopicPartition partition) {
    ControlState next = state;
    for (ConsumerRecord<String, byte[]> record : records) {
      ControlRecord read = ControlRecord.parse(record.key(), record.value());
      if (read instanceof ControlRecord.Malformed malformed) {
        LOG.warn("Ignored the control record at {}@{}, key {}: {}", partition, record.offset(), malformed.key(),
            malformed.reason());
      } else {
        LOG.info("Control: {} at {}@{}", describe(read), partition, record.offset());
      }
      next = next.with(read);
    }
    return next;
  }

  private static String describe(ControlRecord record) {
    if (record instanceof ControlRecord.Set set) {
      return set.key().key() + " = " + (set.key().setting() == ControlKey.Setting.PAUSED ? set.value() != 0 : set.value());
    }
    return ((ControlRecord.Removed) record).key().key() + " removed (the configuration's value applies)";
  }

  @Override
  public void close() {
    running = false;
    LogClients.closeReader(thread, consumer, CLOSE_TIMEOUT);
  }
}
