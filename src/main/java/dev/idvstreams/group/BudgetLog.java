package dev.idvstreams.group;

import dev.idvstreams.api.Api;
import dev.idvstreams.kafka.LogClients;
import dev.idvstreams.async.CallBudget;
import java.time.Clock;
import java.time.Duration;
import java.time.LocalDate;
import java.time.ZoneId;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.ToIntFunction;
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
 * The budget log: one partition of an internal topic, {@code <application.id>-budget}, on which the
 * instances reserve calls of each API's daily budget ({@link BudgetLedger}); read whole, from the
 * start, on its own thread, without a consumer group, as the share log is. Compacted, and its
 * records deleted after three days: a day's reservations must outlive the day in any time zone.
 * Each API's lane takes its calls through {@link #budget(Api)}.
 */
public final class BudgetLog implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(BudgetLog.class);
  private static final Duration POLL = Duration.ofMillis(100);
  /** The same while no API has a budget: only a budget set through the control topic can change that. */
  private static final Duration IDLE_POLL = Duration.ofSeconds(1);
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(5);
  /** A block is this many seconds of calls at the API's QPS limit: few claims, little lost when an instance stops. */
  private static final int BLOCK_SECONDS = 5;

  private final String topic;
  private final String self = UUID.randomUUID().toString();
  private final BudgetLedger ledger = new BudgetLedger(self);
  private final KafkaConsumer<String, byte[]> consumer;
  private final KafkaProducer<String, byte[]> producer;
  private final ZoneId zone;
  private final Clock clock;
  private final ToIntFunction<Api> qps;
  private final Listener listener;
  /** Each API's budget in force; -1: none. Set from any thread (the control topic). */
  private final Map<Api, Long> budgets = new ConcurrentHashMap<>();
  private final Map<Api, Boolean> wasSpent = new EnumMap<>(Api.class);
  private final Thread thread;
  private volatile boolean running = true;

  /** Told of each API's budget state, for metrics. */
  public interface Listener {
    /** @param budget -1 without one; {@code reserved} what the group reserved of it today */
    void budget(Api api, long budget, long reserved, boolean spent);
  }

  /**
   * @param budgets each API's daily budget from the configuration, -1 for none
   * @param qps each API's QPS limit in force, which sets the size of a block
   */
  public BudgetLog(Map<String, Object> clientConfigs, String topic, Map<Api, Long> budgets, ZoneId zone, Clock clock,
      ToIntFunction<Api> qps, Listener listener) {
    this.topic = topic;
    this.zone = zone;
    this.clock = clock;
    this.qps = qps;
    this.listener = listener;
    this.budgets.putAll(budgets);
    this.consumer = new KafkaConsumer<>(LogClients.consumerConfigs(clientConfigs), new StringDeserializer(),
        new ByteArrayDeserializer());
    this.producer = new KafkaProducer<>(LogClients.producerConfigs(clientConfigs), new StringSerializer(),
        new ByteArraySerializer());
    this.thread = new Thread(this::run, "idv-budget");
    thread.setDaemon(true);
  }

  public static String topicName(String applicationId) {
    return applicationId + "-budget";
  }

  /** Creates the topic unless it exists: one partition, compacted, records gone after three days. */
  public static void createTopic(Admin admin, String topic, Optional<Short> replicationFactor) {
    NewTopic budget = new NewTopic(topic, Optional.of(1), replicationFactor).configs(Map.of(
        TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT + "," + TopicConfig.CLEANUP_POLICY_DELETE,
        TopicConfig.RETENTION_MS_CONFIG, String.valueOf(Duration.ofDays(3).toMillis())));
    LogClients.createTopic(admin, budget, "the budget topic");
  }

  /** Where {@code api}'s lane takes its calls: unlimited while the API has no budget. */
  public CallBudget budget(Api api) {
    return new CallBudget() {
      @Override
      public boolean tryTake() {
        long budget = budgets.get(api);
        return budget < 0 || ledger.tryTake(api, today(), block(api));
      }

      @Override
      public boolean spent() {
        long budget = budgets.get(api);
        return budget >= 0 && ledger.spent(api, today(), budget);
      }
    };
  }

  /** {@code api}'s daily budget is now {@code budget} (-1: none), set through the control topic. Any thread. */
  public void setBudget(Api api, long budget) {
    Long before = budgets.put(api, budget);
    if (before != null && before != budget) {
      LOG.info("{}: daily budget {} (was {}; -1: none)", api.action(), budget, before);
    }
  }

  public void start() {
    thread.start();
  }

  private LocalDate today() {
    return LocalDate.now(clock.withZone(zone));
  }

  private long block(Api api) {
    return Math.max(1L, (long) qps.applyAsInt(api) * BLOCK_SECONDS);
  }

  private void run() {
    try {
      TopicPartition partition = LogClients.readFromStart(consumer, topic);
      while (running) {
        boolean anyBudget = budgets.values().stream().anyMatch(budget -> budget >= 0);
        for (ConsumerRecord<String, byte[]> record : consumer.poll(anyBudget ? POLL : IDLE_POLL)) {
          Optional<BudgetLedger.Key> key = BudgetLedger.Key.decode(record.key());
          Optional<BudgetLedger.Reservation> value = BudgetLedger.Reservation.decode(record.value());
          if (key.isEmpty() || value.isEmpty()) {
            LOG.warn("Ignored an unreadable record at {}@{} of the budget log", partition, record.offset());
            continue;
          }
          ledger.onRecord(key.get(), value.get(), budgets.get(key.get().api()))
              .ifPresent(withdrawal -> send(key.get(), withdrawal));
        }
        LocalDate today = today();
        for (Api api : Api.values()) {
          long budget = budgets.get(api);
          if (budget >= 0) {
            ledger.giveBack(api, today, System.nanoTime()).ifPresent(back -> send(back.getKey(), back.getValue()));
            ledger.claim(api, today, budget, block(api)).ifPresent(claim -> producer.send(new ProducerRecord<>(topic,
                0, claim.getKey().encode(), claim.getValue().encode()), (metadata, error) -> {
                  if (error != null) {
                    ledger.claimFailed(api, claim.getValue().seq());
                  }
                }));
          }
          tell(api, today, budget);
        }
      }
    } catch (WakeupException e) {
      // closing
    } catch (RuntimeException e) {
      // no new block can be reserved: calls stop once the reserved ones are made
      LOG.error("The budget log's thread stopped; APIs with a budget call no more than they reserved", e);
    }
  }

  private void send(BudgetLedger.Key key, BudgetLedger.Reservation reservation) {
    producer.send(new ProducerRecord<>(topic, 0, key.encode(), reservation.encode()));
  }

  /** Metrics, and one log line when an API's budget becomes spent or no longer is. */
  private void tell(Api api, LocalDate today, long budget) {
    boolean spent = budget >= 0 && ledger.spent(api, today, budget);
    long reserved = ledger.reservedToday(api, today);
    if (spent != wasSpent.getOrDefault(api, false)) {
      if (spent) {
        LOG.warn("{}: the day's budget of {} calls is spent across the group; its requests are held until the day "
            + "turns ({} midnight) or the budget is raised (control set-budget)", api.action(), budget, zone);
      } else {
        LOG.info("{}: budget available again ({} calls for {}); calls resume", api.action(), budget, today);
      }
      wasSpent.put(api, spent);
    }
    listener.budget(api, budget, reserved, spent);
  }

  @Override
  public void close() {
    running = false;
    LogClients.closeReader(thread, consumer, CLOSE_TIMEOUT);
    producer.close(CLOSE_TIMEOUT);
  }
}
