package dev.idvstreams.bench;

import dev.idvstreams.avro.DeadLetter;
import dev.idvstreams.avro.VerificationResult;
import dev.idvstreams.serde.AvroSerde;
import dev.idvstreams.serde.SchemaRegistryClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.awaitility.Awaitility;

/**
 * Reads a result topic and a dead-letter topic from the start, read_committed (what a downstream
 * consumer sees), on a thread of its own so a scenario can produce while it reads. Keeps every
 * event; a scenario picks its own by bizId prefix.
 */
public final class TerminalReader implements AutoCloseable {

  private final String resultsTopic;
  private final AvroSerde<VerificationResult> results;
  private final AvroSerde<DeadLetter> deadLetters;
  private final KafkaConsumer<String, byte[]> consumer;
  private final List<TerminalEvent> events = new ArrayList<>();
  /** Events per bizId prefix (up to its last '-'), so that a wait does not scan every event read, on the cores it measures. */
  private final Map<String, Integer> countsByPrefix = new HashMap<>();
  private final Thread thread;
  private volatile RuntimeException failure;

  /** @param deadLetterTopic null when the topology under test writes none */
  TerminalReader(String bootstrapServers, SchemaRegistryClient registry, String resultsTopic, String deadLetterTopic) {
    this.resultsTopic = resultsTopic;
    this.results = AvroSerde.forValues(VerificationResult.class, registry);
    this.deadLetters = AvroSerde.forValues(DeadLetter.class, registry);
    this.consumer = new KafkaConsumer<>(Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
        ConsumerConfig.GROUP_ID_CONFIG, "bench-reader-" + UUID.randomUUID(),
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false), new StringDeserializer(), new ByteArrayDeserializer());
    consumer.subscribe(deadLetterTopic == null ? List.of(resultsTopic) : List.of(resultsTopic, deadLetterTopic));
    this.thread = new Thread(this::readUntilClosed, "bench-reader-" + resultsTopic);
    thread.setDaemon(true);
    thread.start();
  }

  private void readUntilClosed() {
    try {
      while (true) {
        List<TerminalEvent> batch = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(100))) {
          batch.add(event(record, System.currentTimeMillis()));
        }
        synchronized (events) {
          events.addAll(batch);
          for (TerminalEvent event : batch) {
            if (event.bizId() != null && event.bizId().lastIndexOf('-') > 0) {
              countsByPrefix.merge(event.bizId().substring(0, event.bizId().lastIndexOf('-')), 1, Integer::sum);
            }
          }
        }
      }
    } catch (WakeupException closing) {
      // close() woke the poll
    } catch (RuntimeException e) {
      failure = e;
    } finally {
      consumer.close();
    }
  }

  private TerminalEvent event(ConsumerRecord<String, byte[]> record, long receivedAt) {
    if (record.topic().equals(resultsTopic)) {
      VerificationResult result = results.deserialize(record.topic(), record.value());
      return new TerminalEvent(result.getBizId(), false, record.timestamp(), receivedAt, result.getReplayed(),
          result.getCompletedAt().toEpochMilli(), result.getOutcome().name());
    }
    DeadLetter letter = deadLetters.deserialize(record.topic(), record.value());
    return new TerminalEvent(letter.getBizId(), true, record.timestamp(), receivedAt, false, record.timestamp(),
        letter.getStage() + " " + letter.getErrorCode());
  }

  /** The events read so far that {@code filter} accepts. */
  public List<TerminalEvent> events(Predicate<TerminalEvent> filter) {
    synchronized (events) {
      return events.stream().filter(filter).toList();
    }
  }

  /** Waits until {@code count} events answer bizIds starting with {@code prefix}; returns them. */
  public List<TerminalEvent> await(String prefix, int count, Duration timeout) {
    Awaitility.await(count + " events for " + prefix + "-*").atMost(timeout).pollInterval(Duration.ofMillis(20))
        .until(() -> {
          if (failure != null) {
            throw failure; // the reader stopped: nothing more will come
          }
          synchronized (events) {
            return countsByPrefix.getOrDefault(prefix, 0) >= count;
          }
        });
    return events(e -> e.answers(prefix));
  }

  @Override
  public void close() throws InterruptedException {
    consumer.wakeup();
    thread.join(10_000);
  }
}
