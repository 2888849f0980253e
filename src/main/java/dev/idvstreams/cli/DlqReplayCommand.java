package dev.idvstreams.cli;

import dev.idvstreams.avro.DeadLetter;
import dev.idvstreams.avro.DeadLetterStage;
import dev.idvstreams.avro.VerificationRequest;
import dev.idvstreams.config.IdvConfig;
import dev.idvstreams.operator.DeadLetterFilter;
import dev.idvstreams.operator.OperatorClients;
import dev.idvstreams.serde.AvroSerde;
import dev.idvstreams.serde.BadRecordException;
import dev.idvstreams.serde.SchemaRegistryClient;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code dlq replay}: sends the request of each matching dead letter back to the request topic,
 * keyed by its bizId, reading the dead-letter topic up to where it ended when the run started.
 *
 * <p>Each batch's sends and the consumer position are committed in one Kafka transaction, so a
 * dead letter is replayed once even when a run is killed halfway, and a second run with the same
 * filter replays only dead letters that arrived since. DECODE dead letters have no request (the
 * bytes could not be read) and are counted as not replayable: sending the same bytes again would
 * only fail again.
 *
 * <p>A replayed request goes through the processor again; if it fails again it becomes a new dead
 * letter, which the next run replays in turn. Replay a stage only once its cause is gone (the API
 * is back for PROVIDER, the configuration changed for VALIDATION, the bizId expired from the
 * deduplication store for DEDUP_CONFLICT).
 */
@Command(name = "replay", mixinStandardHelpOptions = true,
  description = "Send the requests of dead letters (optionally only one stage and/or code) back to the request topic.")
final class DlqReplayCommand implements Callable<Integer> {

  private static final Duration POLL = Duration.ofMillis(500);

  @Mixin
  ConfigOption config;

  @Option(names = "--stage", paramLabel = "S", description = "Only dead letters of this stage: ${COMPLETION-CANDIDATES}.")
  DeadLetterStage stage;

  @Option(names = "--code", paramLabel = "C", description = "Only dead letters with this errorCode, for example InternalError.")
  String code;

  @Option(names = "--dry-run", description = "List what would be replayed; send and commit nothing.")
  boolean dryRun;

  @Option(names = "--max", paramLabel = "N", description = "Replay at most N dead letters; the next run goes on after the last one.")
  Integer max;

  @Option(names = "--timeout-ms", paramLabel = "MS", defaultValue = "60000",
    description = "Give up (exit code 1) when no record arrives for MS ms before the end of the topic is reached (default: ${DEFAULT-VALUE}).")
  long timeoutMs;

  @Spec
  CommandSpec spec;

  /** What a run did with the dead letters it read. */
  private static final class Tally {
    int read;
    int replayed;
    int notMatching;
    int withoutRequest;
    int unreadable;
  }

  @Override
  public Integer call() {
    IdvConfig settings = config.load();
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    DeadLetterFilter filter = new DeadLetterFilter(stage, code);
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
            err.println("no dead letter arrived for " + timeoutMs + " ms before the end of " + dlq + ": stopped");
            summary(out, tally);
            return 1;
          }
          continue;
        }
        lastProgress = System.nanoTime();
        Map<TopicPartition, OffsetAndMetadata> offsets = new HashMap<>();
        List<String> lines = new ArrayList<>();
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
          DeadLetter letter = replayable(record, letters, filter, tally, err);
          if (letter != null) {
            VerificationRequest request = letter.getRequest();
            if (producer != null) {
              producer.send(new ProducerRecord<>(settings.requestsTopic(), request.getBizId(), request));
            }
            lines.add((dryRun ? "would replay " : "replayed ") + where(record) + " bizId=" + request.getBizId()
              + " stage=" + letter.getStage() + " code=" + letter.getErrorCode());
          }
        }
        if (producer != null) {
          producer.sendOffsetsToTransaction(offsets, consumer.groupMetadata());
          producer.commitTransaction();
        }
        lines.forEach(out::println);
        out.flush();
      }
    } catch (OperatorClients.MissingTopicException e) {
      err.println(e.getMessage());
      return 1;
    }
    summary(out, tally);
    err.flush();
    return 0;
  }

  /** The dead letter of {@code record} when it is to be replayed; else null, counted in {@code tally} by the reason. */
  private static DeadLetter replayable(ConsumerRecord<String, byte[]> record, AvroSerde<DeadLetter> letters,
      DeadLetterFilter filter, Tally tally, PrintWriter err) {
    tally.read++;
    DeadLetter letter;
    try {
      letter = letters.deserialize(record.topic(), record.value());
    } catch (BadRecordException e) {
      letter = null;
    }
    if (letter == null) {
      tally.unreadable++;
      err.println(where(record) + ": not a readable dead letter: skipped");
      return null;
    }
    if (!filter.matches(letter)) {
      tally.notMatching++;
      return null;
    }
    if (letter.getRequest() == null) {
      tally.withoutRequest++;
      err.println(where(record) + ": " + letter.getStage() + " " + letter.getErrorCode() + " has no request: not replayable");
      return null;
    }
    tally.replayed++;
    return letter;
  }

  private static String where(ConsumerRecord<?, ?> record) {
    return record.topic() + "-" + record.partition() + "@" + record.offset();
  }

  private boolean maxReached(Tally tally) {
    return max != null && tally.replayed >= max;
  }

  private static boolean caughtUp(KafkaConsumer<?, ?> consumer, Map<TopicPartition, Long> end) {
    return end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
  }

  private void summary(PrintWriter out, Tally tally) {
    out.println("dead letters read: " + tally.read + "; " + (dryRun ? "would replay: " : "replayed: ") + tally.replayed
      + "; not matching: " + tally.notMatching + "; without a request (not replayable): " + tally.withoutRequest
      + "; unreadable: " + tally.unreadable);
    out.flush();
  }

  private static KafkaProducer<String, VerificationRequest> transactionalProducer(IdvConfig settings, String transactionalId,
      SchemaRegistryClient registry) {
    Map<String, Object> properties = OperatorClients.producerProperties(settings, "idv-dlq-replay");
    properties.put(ProducerConfig.TRANSACTIONAL_ID_CONFIG, transactionalId);
    return new KafkaProducer<>(properties, new StringSerializer(),
      AvroSerde.forValues(VerificationRequest.class, registry).serializer());
  }
}
