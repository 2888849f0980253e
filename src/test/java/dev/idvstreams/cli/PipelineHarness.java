package dev.idvstreams.cli;

import dev.idvstreams.runtime.ProcessorRuntime;
import dev.idvstreams.avro.DeadLetter;
import dev.idvstreams.avro.VerificationRequest;
import dev.idvstreams.avro.VerificationResult;
import dev.idvstreams.config.IdvConfig;
import dev.idvstreams.embedded.KafkaBootstrap;
import dev.idvstreams.serde.AvroSerde;
import dev.idvstreams.serde.SchemaRegistries;
import dev.idvstreams.serde.SchemaRegistryClient;
import dev.idvstreams.simulator.Simulator;
import dev.idvstreams.simulator.SimulatorOptions;
import io.vertx.core.Vertx;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
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
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;

/**
 * One end-to-end setup for an integration test: the simulator over HTTP on 127.0.0.1, topics of its
 * own on the test's Kafka, and the real processor ({@link ProcessorRuntime}) configured as an
 * operator would configure it, pointed at the simulator.
 */
final class PipelineHarness implements AutoCloseable {

  final String prefix = "it-" + UUID.randomUUID().toString().substring(0, 8);
  final String requestsTopic = prefix + ".requests";
  final String resultsTopic = prefix + ".results";
  final String dlqTopic = prefix + ".dlq";
  final Simulator simulator;
  final SchemaRegistryClient registry;
  private final KafkaBootstrap kafka;
  private final Vertx vertx = Vertx.vertx();
  private final int simulatorPort;
  private final String simulatorScheme;
  private final String registryUrl;
  private final Map<String, String> overrides;
  private ProcessorRuntime runtime;

  PipelineHarness(KafkaBootstrap kafka, SimulatorOptions.Builder simulatorOptions, String registryUrl, Map<String, String> overrides)
      throws Exception {
    this(kafka, simulatorOptions, registryUrl, overrides, 2);
  }

  PipelineHarness(KafkaBootstrap kafka, SimulatorOptions.Builder simulatorOptions, String registryUrl, Map<String, String> overrides,
      int partitions) throws Exception {
    this.kafka = kafka;
    this.registryUrl = registryUrl == null ? "mock://" + prefix : registryUrl;
    this.registry = SchemaRegistries.forUrl(this.registryUrl, null, Duration.ofSeconds(10));
    this.overrides = overrides;
    SimulatorOptions options = simulatorOptions.port(0).build();
    this.simulatorScheme = options.tls().isPresent() ? "https" : "http";
    this.simulator = new Simulator(vertx, options);
    this.simulatorPort = simulator.start().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    try (Admin admin = Admin.create(kafka.clientProperties())) {
      admin.createTopics(List.of(new NewTopic(requestsTopic, partitions, (short) 1), new NewTopic(resultsTopic, partitions, (short) 1),
        new NewTopic(dlqTopic, partitions, (short) 1))).all().get(30, TimeUnit.SECONDS);
    }
  }

  /** {@code overrides} with the processor pointed at {@code provider}, a simulator in a JVM of its own, instead of the harness's. */
  static Map<String, String> calling(Map<String, String> overrides, dev.idvstreams.demo.SimulatorProcess provider) {
    Map<String, String> config = new HashMap<>(overrides);
    config.put("aliyun.endpoint-override", provider.endpoint());
    return config;
  }

  /** The processor's configuration, as a properties file would hold it. */
  Map<String, String> config() throws Exception {
    Map<String, String> config = new HashMap<>();
    config.putAll(kafka.idvConfig());
    config.put("application.id", prefix);
    config.put("schema.registry.url", registryUrl);
    config.put("state.dir", Files.createTempDirectory("idv-it-state-").toString());
    config.put("topic.requests", requestsTopic);
    config.put("topic.results", resultsTopic);
    config.put("topic.dlq", dlqTopic);
    config.put("aliyun.endpoint-override", simulatorScheme + "://127.0.0.1:" + simulatorPort);
    config.put("aliyun.access-key-id", SimulatorOptions.DEFAULT_ACCESS_KEY_ID);
    config.put("aliyun.access-key-secret", SimulatorOptions.DEFAULT_ACCESS_KEY_SECRET);
    config.put("image.fetch.allow-private-addresses", "true");
    config.put("http.port", "-1");
    config.put("retry.backoff.initial.ms", "100");
    config.put("retry.backoff.max.ms", "2000");
    config.put("breaker.probe-interval.ms", "1000");
    config.put("breaker.probe-interval.max.ms", "2000");
    config.putAll(overrides);
    return config;
  }

  void startProcessor() throws Exception {
    runtime = ProcessorRuntime.start(new IdvConfig(config()));
  }

  void send(List<ProducerRecord<String, byte[]>> records) throws Exception {
    Map<String, Object> properties = kafka.clientProperties();
    properties.put(ProducerConfig.ACKS_CONFIG, "all");
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(properties, new StringSerializer(),
        new ByteArraySerializer())) {
      for (ProducerRecord<String, byte[]> record : records) {
        producer.send(record).get(30, TimeUnit.SECONDS); // in order: the tests rely on it
      }
    }
  }

  ProducerRecord<String, byte[]> record(VerificationRequest request) {
    return new ProducerRecord<>(requestsTopic, request.getBizId(), AvroSerde.forValues(VerificationRequest.class, registry)
      .serialize(requestsTopic, request));
  }

  void sendRequests(List<VerificationRequest> requests) throws Exception {
    send(requests.stream().map(this::record).toList());
  }

  /**
   * Terminal events read from the result and dead-letter topics (read_committed); {@code resultRecords}
   * are the results with their keys and headers.
   */
  record Events(List<VerificationResult> results, List<ConsumerRecord<String, DeadLetter>> deadLetters,
      List<ConsumerRecord<String, VerificationResult>> resultRecords) {
    int total() {
      return results.size() + deadLetters.size();
    }

    /** The bizIds with at least one terminal event. */
    java.util.Set<String> bizIds() {
      java.util.Set<String> ended = new java.util.HashSet<>();
      results.forEach(r -> ended.add(r.getBizId()));
      deadLetters.forEach(d -> ended.add(d.value().getBizId()));
      return ended;
    }

    /** Every one of {@code requests} distinct requests ended once: one result, not replayed, no dead letter. */
    void assertEachEndedOnce(int requests) {
      org.assertj.core.api.Assertions.assertThat(deadLetters).as("dead letters").isEmpty();
      Map<String, Long> perBizId = results.stream().collect(
          java.util.stream.Collectors.groupingBy(VerificationResult::getBizId, java.util.stream.Collectors.counting()));
      org.assertj.core.api.Assertions.assertThat(perBizId).hasSize(requests);
      org.assertj.core.api.Assertions.assertThat(perBizId.values()).as("results per bizId").containsOnly(1L);
      org.assertj.core.api.Assertions.assertThat(results).noneMatch(VerificationResult::getReplayed);
    }
  }

  /**
   * Reads until {@code expected} events arrived, then two seconds more, so that an event too many
   * shows up in the count instead of passing unseen.
   */
  Events awaitEvents(int expected, Duration timeout) {
    return awaitEvents(events -> events.total() >= expected, timeout);
  }

  /** Reads until every one of {@code bizIds} has a terminal event (some may have more), then two seconds more. */
  Events awaitEventsFor(java.util.Set<String> bizIds, Duration timeout) {
    return awaitEvents(events -> events.bizIds().containsAll(bizIds), timeout);
  }

  private Events awaitEvents(java.util.function.Predicate<Events> done, Duration timeout) {
    AvroSerde<VerificationResult> results = AvroSerde.forValues(VerificationResult.class, registry);
    AvroSerde<DeadLetter> deadLetters = AvroSerde.forValues(DeadLetter.class, registry);
    Events events = new Events(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
    Map<String, Object> properties = kafka.clientProperties();
    properties.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    properties.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(properties, new StringDeserializer(),
        new ByteArrayDeserializer())) {
      // assigned, not subscribed: no group, so a reader needs no group ACL on a secured cluster
      List<org.apache.kafka.common.TopicPartition> partitions = new ArrayList<>();
      for (String topic : List.of(resultsTopic, dlqTopic)) {
        consumer.partitionsFor(topic).forEach(p -> partitions.add(new org.apache.kafka.common.TopicPartition(topic, p.partition())));
      }
      consumer.assign(partitions);
      consumer.seekToBeginning(partitions);
      Runnable poll = () -> consumer.poll(Duration.ofMillis(200)).forEach(r -> {
        if (r.topic().equals(resultsTopic)) {
          VerificationResult result = results.deserialize(r.topic(), r.value());
          events.results().add(result);
          events.resultRecords().add(new ConsumerRecord<>(r.topic(), r.partition(), r.offset(), r.timestamp(),
            r.timestampType(), r.serializedKeySize(), r.serializedValueSize(), r.key(), result, r.headers(),
            r.leaderEpoch()));
        } else {
          events.deadLetters().add(new ConsumerRecord<>(r.topic(), r.partition(), r.offset(), r.timestamp(),
            r.timestampType(), r.serializedKeySize(), r.serializedValueSize(), r.key(),
            deadLetters.deserialize(r.topic(), r.value()), r.headers(), r.leaderEpoch()));
        }
      });
      Awaitility.await().atMost(timeout).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1)).until(() -> {
        poll.run();
        return done.test(events);
      });
      long settleUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
      while (System.nanoTime() < settleUntil) {
        poll.run();
      }
    }
    return events;
  }

  void stopProcessor() {
    if (runtime != null) {
      runtime.close();
      runtime = null;
    }
  }

  @Override
  public void close() throws Exception {
    stopProcessor();
    simulator.stop().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    vertx.close();
  }
}
