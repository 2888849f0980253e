package dev.idvstreams.cli;

import dev.idvstreams.config.IdvConfig;
import dev.idvstreams.jsonl.RecordJson;
import dev.idvstreams.operator.OperatorClients;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code consume --topic T}: the records of one of the three topics as JSON lines on standard
 * output (see {@link RecordJson}). No consumer group: it commits nothing and leaves nothing
 * behind, like Kafka's console consumer. Personal data is printed as it is on the topic, for the
 * operator; it is never logged.
 */
@Command(name = "consume", mixinStandardHelpOptions = true,
  description = "Print the records of the request, result or dead-letter topic as JSON lines (read_committed).")
final class ConsumeCommand implements Callable<Integer> {

  private static final Duration POLL = Duration.ofMillis(200);

  @Mixin
  ConfigOption config;

  @Option(names = "--topic", required = true, paramLabel = "T",
    description = "One of the configured topic.requests, topic.results, topic.dlq; its name says how to decode it.")
  String topic;

  @Option(names = "--from-beginning", description = "Start at the earliest record. Default: only records that arrive from now on.")
  boolean fromBeginning;

  @Option(names = "--max", paramLabel = "N", description = "Stop after N records.")
  Integer max;

  @Option(names = "--timeout-ms", paramLabel = "MS",
    description = "Stop when no record has arrived for MS ms (exit code 1 if --max was not reached). Default: wait until --max or Ctrl-C.")
  Long timeoutMs;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() {
    IdvConfig settings = config.loadAndReach();
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    RecordJson printer;
    try {
      printer = RecordJson.forTopic(settings, OperatorClients.registry(settings), topic);
    } catch (IllegalArgumentException e) {
      err.println(e.getMessage());
      return 1;
    }
    int printed = 0;
    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(OperatorClients.consumerProperties(settings, "idv-consume"),
        new StringDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = OperatorClients.assignAll(consumer, topic);
      if (fromBeginning) {
        consumer.seekToBeginning(partitions);
      } else {
        consumer.seekToEnd(partitions);
      }
      long lastRecordAt = System.nanoTime();
      while (max == null || printed < max) {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(POLL)) {
          out.println(printer.toJsonLine(record));
          lastRecordAt = System.nanoTime();
          printed++;
          if (max != null && printed >= max) {
            break;
          }
        }
        out.flush();
        if (timeoutMs != null && System.nanoTime() - lastRecordAt >= Duration.ofMillis(timeoutMs).toNanos()) {
          break;
        }
      }
    } catch (OperatorClients.MissingTopicException e) {
      err.println(e.getMessage());
      return 1;
    }
    out.flush();
    err.println("consumed " + printed + " record(s) from " + topic);
    err.flush();
    return max != null && printed < max ? 1 : 0;
  }
}
