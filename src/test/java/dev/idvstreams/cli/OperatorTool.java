package dev.idvstreams.cli;

import dev.idvstreams.embedded.KafkaBootstrap;
import dev.idvstreams.serde.SchemaRegistries;
import dev.idvstreams.serde.SchemaRegistryClient;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;

/**
 * One integration test's operator setup: a configuration file naming topics, a registry scope and
 * an application id of its own, and the commands run in-process through {@link Main}, as the jar
 * runs them.
 */
final class OperatorTool {

  final String prefix = "ops-" + UUID.randomUUID().toString().substring(0, 8);
  final String requestsTopic = prefix + ".requests";
  final String resultsTopic = prefix + ".results";
  final String dlqTopic = prefix + ".dlq";
  final SchemaRegistryClient registry;
  final Path configFile;
  private final KafkaBootstrap kafka;

  /** What a command returned and printed. */
  record Run(int exitCode, String out, String err) {
    List<String> outLines() {
      return out.isEmpty() ? List.of() : Arrays.asList(out.split("\n"));
    }
  }

  OperatorTool(KafkaBootstrap kafka, Path dir, int partitions) throws Exception {
    this.kafka = kafka;
    String registryUrl = "mock://" + prefix;
    this.registry = SchemaRegistries.forUrl(registryUrl, null, Duration.ofSeconds(10));
    this.configFile = dir.resolve(prefix + ".properties");
    Files.writeString(configFile, String.join("\n",
      "bootstrap.servers=" + kafka.bootstrapServers(),
      "application.id=" + prefix,
      "schema.registry.url=" + registryUrl,
      "topic.requests=" + requestsTopic,
      "topic.results=" + resultsTopic,
      "topic.dlq=" + dlqTopic,
      "topic.partitions=" + partitions,
      "topic.replication.factor=-1"), StandardCharsets.UTF_8);
  }

  /** Sets {@code key} in the configuration file (a later line wins over an earlier one). */
  void set(String key, String value) throws Exception {
    Files.writeString(configFile, "\n" + key + "=" + value, StandardCharsets.UTF_8, StandardOpenOption.APPEND);
  }

  /** Runs {@code args} followed by {@code --config FILE}. */
  Run run(String... args) {
    List<String> all = new ArrayList<>(List.of(args));
    all.add("--config");
    all.add(configFile.toString());
    return execute(all);
  }

  /** Runs the command line {@code args} in this JVM, as the jar runs it; what it returned and printed. */
  static Run execute(List<String> args) {
    StringWriter out = new StringWriter();
    StringWriter err = new StringWriter();
    var cli = Main.commandLine();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    int code = cli.execute(args.toArray(String[]::new));
    return new Run(code, out.toString().replace("\r", ""), err.toString().replace("\r", ""));
  }

  Admin admin() {
    return Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()));
  }

  void createTopics(int partitions) throws Exception {
    try (Admin admin = admin()) {
      admin.createTopics(List.of(new NewTopic(requestsTopic, partitions, (short) 1), new NewTopic(resultsTopic, partitions, (short) 1),
        new NewTopic(dlqTopic, partitions, (short) 1))).all().get(30, TimeUnit.SECONDS);
    }
  }

  void send(String topic, String key, byte[] value, Headers headers) throws Exception {
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(), ProducerConfig.ACKS_CONFIG, "all"),
        new StringSerializer(), new ByteArraySerializer())) {
      producer.send(new ProducerRecord<>(topic, null, key, value, headers)).get(30, TimeUnit.SECONDS);
    }
  }

  /**
   * Every committed record of {@code topic} as it stands now: read up to the end offsets taken
   * first, so that the result is exact without waiting for records that may never come.
   */
  List<ConsumerRecord<String, byte[]>> readAll(String topic) {
    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new StringDeserializer(), new ByteArrayDeserializer())) {
      List<TopicPartition> partitions = consumer.partitionsFor(topic).stream()
        .map(p -> new TopicPartition(topic, p.partition())).toList();
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Map<TopicPartition, Long> end = consumer.endOffsets(partitions);
      List<ConsumerRecord<String, byte[]>> records = new ArrayList<>();
      Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> {
        consumer.poll(Duration.ofMillis(200)).forEach(records::add);
        return end.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
      });
      return records;
    }
  }
}
