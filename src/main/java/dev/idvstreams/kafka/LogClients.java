package dev.idvstreams.kafka;

import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.CloseOptions;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.errors.TopicExistsException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The clients of the processor's own logs (the share log, the budget log, the control topic): each
 * reads its one partition whole without a consumer group, and writes small records that must be
 * acknowledged quickly or not at all.
 */
public final class LogClients {

  private static final Logger LOG = LoggerFactory.getLogger(LogClients.class);

  private LogClients() {}

  public static Map<String, Object> consumerConfigs(Map<String, Object> common) {
    Map<String, Object> configs = only(common, ConsumerConfig.configNames());
    configs.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
    configs.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    // a message is read as soon as it is written: the broker answers a waiting fetch when one
    // arrives, so how long it may wait only sets how often an empty answer wakes the reading
    // thread of a quiet log (twice a second at the consumer's 500 ms; bench/idle-cpu.sh)
    configs.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG,
        quietFetchWait(configs.get(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG)));
    configs.remove(ConsumerConfig.GROUP_ID_CONFIG);
    configs.remove(ConsumerConfig.GROUP_INSTANCE_ID_CONFIG);
    return configs;
  }

  /**
   * How long a consumer's fetch may wait at the broker when nothing arrives: 5 s, or half its
   * request timeout if that was set lower than the default 30 s (a fetch waiting longer than the
   * request timeout would be cut as a failure).
   *
   * @param requestTimeoutMs the consumer's {@code request.timeout.ms} as configured, null if not
   */
  static int quietFetchWait(Object requestTimeoutMs) {
    if (requestTimeoutMs == null) {
      return 5_000;
    }
    int requestTimeout = (Integer) ConfigDef.parseType(ConsumerConfig.REQUEST_TIMEOUT_MS_CONFIG, requestTimeoutMs,
        ConfigDef.Type.INT);
    return Math.max(1, Math.min(5_000, requestTimeout / 2));
  }

  public static Map<String, Object> producerConfigs(Map<String, Object> common) {
    Map<String, Object> configs = only(common, ProducerConfig.configNames());
    configs.put(ProducerConfig.ACKS_CONFIG, "all");
    configs.put(ProducerConfig.LINGER_MS_CONFIG, 0);
    configs.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 2_000);
    configs.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, 2_000);
    configs.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, 3_000);
    configs.remove(ProducerConfig.TRANSACTIONAL_ID_CONFIG);
    return configs;
  }

  private static Map<String, Object> only(Map<String, Object> configs, Set<String> names) {
    Map<String, Object> kept = new HashMap<>();
    configs.forEach((key, value) -> {
      if (names.contains(key)) {
        kept.put(key, value);
      }
    });
    return kept;
  }

  /**
   * Creates {@code topic}, one of the processor's own, unless it exists.
   *
   * @param what what it is, for the log and the errors ("the share log topic")
   * @throws KafkaAccessException naming the topic when this principal may not create it and it is not there
   * @throws IllegalStateException naming the topic and the cause when it cannot be created within 30 s
   */
  public static void createTopic(Admin admin, NewTopic topic, String what) {
    try {
      admin.createTopics(List.of(topic)).all().get(30, TimeUnit.SECONDS);
      LOG.info("Created {} {}", what, topic.name());
    } catch (ExecutionException e) {
      if (e.getCause() instanceof TopicAuthorizationException && exists(admin, topic.name())) {
        LOG.info("{} {} exists; this principal may not create topics, and need not", what, topic.name());
      } else if (e.getCause() instanceof TopicAuthorizationException) {
        throw new KafkaAccessException("Kafka ACL missing: this principal may not Create topic '" + topic.name()
            + "' (" + what + "), and cannot find it made. Grant --operation Create on the topic prefix"
            + " '<application.id>-' (docs/security.md lists every ACL), or create it beforehand", e.getCause());
      } else if (!(e.getCause() instanceof TopicExistsException)) {
        throw new IllegalStateException("Could not create " + what + " " + topic.name() + ": " + e.getCause(), e);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("Interrupted while creating " + what + " " + topic.name(), e);
    } catch (TimeoutException e) {
      throw new IllegalStateException("Could not create " + what + " " + topic.name() + " within 30 s", e);
    }
  }

  private static boolean exists(Admin admin, String topic) {
    try {
      admin.describeTopics(List.of(topic)).allTopicNames().get(30, TimeUnit.SECONDS);
      return true;
    } catch (ExecutionException | TimeoutException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /**
   * Stops a log's reading thread and closes its consumer: wakes the consumer out of its poll, waits
   * up to {@code timeout} for the thread to end, then closes the consumer without waiting for the
   * broker. A log's consumer has no group and nothing to commit, and a graceful close waits for the
   * fetch waiting at the broker ({@link #quietFetchWait}): up to 5 s per log, which held a pod's
   * shutdown, and its partitions, 4.3 s in the rolling benchmark.
   */
  public static void closeReader(Thread thread, KafkaConsumer<?, ?> consumer, Duration timeout) {
    consumer.wakeup();
    try {
      thread.join(timeout.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (thread.isAlive()) {
      // closing a consumer its thread still uses would throw, and skip whatever the caller closes next
      LOG.warn("{} did not stop within {}; its consumer is left to the process's end", thread.getName(), timeout);
      return;
    }
    consumer.close(CloseOptions.timeout(Duration.ZERO));
  }

  /** Assigns the one partition of {@code topic} to {@code consumer}, positioned at its start: a log read whole. */
  public static TopicPartition readFromStart(KafkaConsumer<?, ?> consumer, String topic) {
    TopicPartition partition = new TopicPartition(topic, 0);
    consumer.assign(List.of(partition));
    consumer.seekToBeginning(List.of(partition));
    return partition;
  }
}
