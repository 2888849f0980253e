package dev.idvstreams.operator;

import dev.idvstreams.avro.DeadLetter;
import dev.idvstreams.avro.VerificationRequest;
import dev.idvstreams.config.IdvConfig;
import dev.idvstreams.serde.AvroSerde;
import dev.idvstreams.serde.BadRecordException;
import dev.idvstreams.serde.SchemaRegistryClient;
import dev.idvstreams.headers.CarriedHeaders;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Sends the request of each matching dead letter back to the request topic, keyed by its bizId,
 * reading the dead-letter topic up to where it ended when the run started ({@code dlq replay}).
 *
 * <p>Each batch's sends and the consumer position are committed in one Kafka transaction, so a
 * dead letter is replayed once even when a run is killed halfway, and a second run with the same
 * filter replays only dead letters that arrived since. DECODE dead letters have no request (the
 * bytes could not be read) and are counted as not replayable: sending the same bytes again would
 * only fail again.
 *
 * <p>A replay cannot loop: each replayed request carries {@code idv-replay-count} (one more than
 * its dead letter's), which travels to its result or dead letter like the trace context
 * ({@link CarriedHeaders}); a dead letter already replayed {@code maxReplays} times is skipped and
 * counted. The replayed request also carries the dead letter's other carried headers, so its trace
 * goes on.
 */
public final class DeadLetterReplay {

  private static final Duration POLL = Duration.ofMillis(500);

  private final IdvConfig settings;
  private final DeadLetterFilter filter;
  private final boolean dryRun;
  private final Integer max;
  private final int maxReplays;
  private final long timeoutMs;
  private final CarriedHeaders carried;

  /**
   * @param dryRun read and count only: send and commit nothing
   * @param max replay at most this many dead letters (null: no limit); the next run goes on after the last one
   * @param maxReplays a dead letter whose request was already replayed this many times is skipped
   * @param timeoutMs stop when no record arrives for this long before the end of the topic is reached
   */
  public DeadLetterReplay(IdvConfig settings, DeadLetterFilter filter, boolean dryRun, Integer max, int maxReplays,
      long timeoutMs) {
    if (maxReplays < 1) {
      throw new IllegalArgumentException("--max-replays must be at least 1, was " + maxReplays);
    }
    this.settings = settings;
    this.filter = filter;
    this.dryRun = dryRun;
    this.max = max;
    this.maxReplays = maxReplays;
    this.timeoutMs = timeoutMs;
    this.carried = new CarriedHeaders(settings.headersCarried());
  }

  /** What a run is told as it goes, for an operator to see. */
  public interface Listener {

    /** {@code record} is not a readable dead letter: skipped. */
    void unreadable(ConsumerRecord<String, byte[]> record);

    /** {@code letter} matches but has no request (DECODE): not replayable. */
    void withoutRequest(ConsumerRecord<String, byte[]> record, DeadLetter letter);

    /** {@code letter} matches, but its request was replayed {@code replays} times already: skipped. */
    void pastMaxReplays(ConsumerRecord<String, byte[]> record, DeadLetter letter, int replays);

    /** The dead letters of one batch, replayed (with a dry run: that would be), once the batch is committed. */
    void replayed(List<Replayed> batch);
  }

  /** A dead letter whose request was (or, with a dry run, would be) sent back, and the record it was read from. */
  public record Replayed(ConsumerRecord<String, byte[]> record, DeadLetter letter) {}

  /** What a run did with the dead letters it read. */
  public static final class Tally {
    int read;
    int replayed;
    int notMatching;
    int withoutRequest;
    int pastMaxReplays;
    int unreadable;
    boolean stalled;

    public int read() {
      return read;
    }

    public int replayed() {
      return replayed;
    }

    public int notMatching() {
      return notMatching;
    }

    public int withoutRequest() {
      return withoutRequest;
    }

    /** Dead letters matching, with a request, skipped for having been replayed {@code --max-replays} times. */
    public int pastMaxReplays() {
      return pastMaxReplays;
    }

    public int unreadable() {
      return unreadable;
    }

    /** True when the run stopped because no record arrived for the timeout before the end of the topic. */
    public boolean stalled() {
      return stalled;
    }
  }

  /**
   * Replays up to the end of the dead-letter topic as it was at the start, or up to the maximum.
   *
   * @throws OperatorClients.MissingTopicException when the dead-letter topic does not exist
   */
  public Tally run(Listener listener) {
    String group = filter.groupId(settings.applicationId());
    SchemaRegistryClient registry = OperatorClients.registry(settings);
    AvroSerde<DeadLetter> letters = AvroSerde.forValues(DeadLetter.class, registry);
    String dlq = settings.deadLetterTopic();
    Tally tally = new Tally();

    Map<String, Object> consumerProperties = OperatorClients.consumerProperties(settings, "idv-dlq-replay");
    consumerProperties.put(ConsumerConfig.GROUP_ID_CONFIG, group);
    consumerProperties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(consumerProperties, new StringDeserializer(),
        new ByteArrayDeserializer());
       KafkaProducer<String, VerificationRequest> producer = dryRun ? null : transactionalProducer(settings, group, registry)) {
      List<TopicPartition> partitions = OperatorClients.assignAll(consumer, dlq);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      if (producer != null) {
        producer.initTransactions();
      }
      long lastProgress = System.nanoTime();
      while (!maxReached(tally) && !caughtUp(consumer, end)) {
        ConsumerRecords<String, byte[]> records = consumer.poll(POLL);
        if (records.isEmpty()) {
          if (System.nanoTime() - lastProgress > Duration.ofMillis(timeoutMs).toNanos()) {
            tally.stalled = true;
            return tally;
          }
          continue;
        }
        lastProgress = System.nanoTime();
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        List<Replayed> batch = new ArrayList<>();
        if (producer != null) {
          producer.beginTransaction();
        }
        for (ConsumerRecord<String, byte[]> record : records) {
          TopicPartition partition = new TopicPartition(record.topic(), record.partition());
          // past the end seen at the start, or past --max: left for the next run
          if (record.offset() >= end.get(partition) || maxReached(tally)) {
            continue;
          }
          offsets.put(partition, new OffsetAndMetadata(record.offset() + 1));
          DeadLetter letter = replayable(record, letters, filter, tally, listener);
          if (letter != null) {
            VerificationRequest request = letter.getRequest();
            if (producer != null) {
              producer.send(new ProducerRecord<>(settings.requestsTopic(), null, request.getBizId(), request,
                replayHeaders(record.headers())));
            }
            batch.add(new Replayed(record, letter));
          }
        }
        if (producer != null) {
          producer.sendOffsetsToTransaction(offsets, consumer.groupMetadata());
          producer.commitTransaction();
        }
        listener.replayed(batch);
      }
    }
    return tally;
  }

  /** The carried headers of a dead letter, its replay count one higher: the replayed request's headers. */
  private Headers replayHeaders(Headers deadLetterHeaders) {
    Headers headers = carried.select(deadLetterHeaders);
    int replays = replays(headers);
    headers.remove(CarriedHeaders.REPLAY_COUNT);
    headers.add(CarriedHeaders.REPLAY_COUNT, String.valueOf(replays + 1).getBytes(StandardCharsets.UTF_8));
    return headers;
  }

  /** How many times the request of a dead letter with these headers was replayed: 0 without the header, or with one unreadable. */
  static int replays(Headers headers) {
    Header count = headers.lastHeader(CarriedHeaders.REPLAY_COUNT);
    if (count == null || count.value() == null) {
      return 0;
    }
    try {
      return Math.max(0, Integer.parseInt(new String(count.value(), StandardCharsets.UTF_8).trim()));
    } catch (NumberFormatException e) {
      return 0;
    }
  }

  /** The dead letter of {@code record} when it is to be replayed; else null, counted in {@code tally} by the reason. */
  private DeadLetter replayable(ConsumerRecord<String, byte[]> record, AvroSerde<DeadLetter> letters,
      DeadLetterFilter filter, Tally tally, Listener listener) {
    tally.read++;
    DeadLetter letter;
    try {
      letter = letters.deserialize(record.topic(), record.value());
    } catch (BadRecordException e) {
      letter = null;
    }
    if (letter == null) {
      tally.unreadable++;
      listener.unreadable(record);
      return null;
    }
    if (!filter.matches(letter)) {
      tally.notMatching++;
      return null;
    }
    if (letter.getRequest() == null) {
      tally.withoutRequest++;
      listener.withoutRequest(record, letter);
      return null;
    }
    int replays = replays(record.headers());
    if (replays >= maxReplays) {
      tally.pastMaxReplays++;
      listener.pastMaxReplays(record, letter, replays);
      return null;
    }
    tally.replayed++;
    return letter;
  }

  private boolean maxReached(Tally tally) {
    return max != null && tally.replayed >= max;
  }

  private static boolean caughtUp(KafkaConsumer<?, ?> consumer, Map<TopicPartition, Long> end) {
    return end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
  }

  private static KafkaProducer<String, VerificationRequest> transactionalProducer(IdvConfig settings, String transactionalId,
      SchemaRegistryClient registry) {
    Map<String, Object> properties = OperatorClients.producerProperties(settings, "idv-dlq-replay");
    properties.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
    return new KafkaProducer<>(properties, new StringSerializer(),
      AvroSerde.forValues(VerificationRequest.class, registry).serializer());
  }
}
