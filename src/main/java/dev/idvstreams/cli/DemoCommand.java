package dev.idvstreams.cli;

import dev.idvstreams.api.Api;
import dev.idvstreams.avro.CheckType;
import dev.idvstreams.avro.DeadLetter;
import dev.idvstreams.avro.VerificationRequest;
import dev.idvstreams.avro.VerificationResult;
import dev.idvstreams.config.ConfigLoader;
import dev.idvstreams.config.IdvConfig;
import dev.idvstreams.demo.DemoBatch;
import dev.idvstreams.embedded.EmbeddedKafkaBroker;
import dev.idvstreams.serde.AvroSerde;
import dev.idvstreams.serde.SchemaRegistries;
import dev.idvstreams.serde.SchemaRegistryClient;
import dev.idvstreams.simulator.ApiStats;
import dev.idvstreams.simulator.Simulator;
import dev.idvstreams.simulator.SimulatorOptions;
import io.vertx.core.Vertx;
import java.io.PrintStream;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
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
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code demo}: the whole product on one machine, with no setup. An embedded KRaft broker, the
 * in-process registry, the API simulator and the processor; a mixed batch of requests; a live
 * progress line; a summary. Exits 0 only when results and dead letters account for every record.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
  description = "Run the embedded default end to end: broker, registry, simulator, processor, a mixed batch, a summary.")
final class DemoCommand implements Callable<Integer> {

  private static final String REGISTRY = "mock://idv-demo";

  @Option(names = "--requests", defaultValue = "200", description = "Records in the batch (default: ${DEFAULT-VALUE}).")
  int requests;

  @Option(names = "--qps", paramLabel = "API=N", split = ",",
    description = "QPS limit per API, of the simulator and the processor alike (default: CredentialVerifyIntl=10,VerifyMaterial=10,ExecuteRequest=50).")
  Map<String, Integer> qps = new LinkedHashMap<>(Map.of("CredentialVerifyIntl", 10, "VerifyMaterial", 10, "ExecuteRequest", 50));

  @Option(names = "--latency-ms", defaultValue = "50", description = "Simulated API latency (default: ${DEFAULT-VALUE}).")
  int latencyMs;

  @Option(names = "--partitions", defaultValue = "3", description = "Partitions of the request topic (default: ${DEFAULT-VALUE}).")
  int partitions;

  @Option(names = "--timeout-s", defaultValue = "600", description = "Give up after this many seconds (default: ${DEFAULT-VALUE}).")
  int timeoutSeconds;

  @Option(names = "--seed", defaultValue = "42", description = "Seed of the batch (default: ${DEFAULT-VALUE}).")
  long seed;

  @Override
  public Integer call() throws Exception {
    PrintStream out = System.out;
    Map<Api, Integer> limits = new LinkedHashMap<>();
    qps.forEach((name, limit) -> limits.put(Api.parse(name), limit));
    out.println("idv-streams demo: " + requests + " records, QPS limits " + qps + ", API latency " + latencyMs + " ms");

    Vertx simVertx = Vertx.vertx();
    try (EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.startTemporary()) {
      SimulatorOptions.Builder simOptions = SimulatorOptions.builder().port(0)
        .latency(Duration.ofMillis(latencyMs), Duration.ZERO);
      limits.forEach(simOptions::qps);
      Simulator simulator = new Simulator(simVertx, simOptions.build());
      int simPort = simulator.start().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
      IdvConfig config = ConfigLoader.fromSystemEnvironment().load(demoConfig(broker, simPort, limits));
      createTopics(config);
      out.println("broker " + broker.bootstrapServers() + ", simulator http://127.0.0.1:" + simPort + ", registry " + REGISTRY);

      try (ProcessorRuntime runtime = ProcessorRuntime.start(config)) {
        SchemaRegistryClient registry = SchemaRegistries.forUrl(REGISTRY, null, Duration.ofSeconds(5));
        List<DemoBatch.Item> batch = DemoBatch.generate(requests, seed, config.requestsTopic(),
          AvroSerde.forValues(VerificationRequest.class, registry));
        long started = System.nanoTime();
        produce(config, batch);
        Tally tally = consume(config, batch, registry, out, started);
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        return summary(out, batch, tally, simulator.stats(), limits, took);
      } finally {
        simulator.stop();
      }
    } finally {
      simVertx.close();
    }
  }

  private Map<String, String> demoConfig(EmbeddedKafkaBroker broker, int simPort, Map<Api, Integer> limits) throws Exception {
    Map<String, String> config = new HashMap<>();
    config.put("bootstrap.servers", broker.bootstrapServers());
    config.put("application.id", "idv-demo");
    config.put("schema.registry.url", REGISTRY);
    config.put("state.dir", Files.createTempDirectory("idv-demo-state-").toString());
    config.put("topic.partitions", String.valueOf(partitions));
    config.put("aliyun.endpoint-override", "http://127.0.0.1:" + simPort);
    config.put("aliyun.access-key-id", SimulatorOptions.DEFAULT_ACCESS_KEY_ID);
    config.put("aliyun.access-key-secret", SimulatorOptions.DEFAULT_ACCESS_KEY_SECRET);
    config.put("image.fetch.allow-private-addresses", "true");
    config.put("http.host", "127.0.0.1");
    config.put("http.port", "0");
    limits.forEach((api, limit) -> config.put("qps." + api.id(), String.valueOf(limit)));
    return config;
  }

  private static void createTopics(IdvConfig config) throws Exception {
    try (Admin admin = Admin.create(config.kafkaClientProperties())) {
      admin.createTopics(TopicsCreateCommand.newTopics(config, TopicsCreateCommand.DEFAULT_DLQ_RETENTION_MS).values())
        .all().get(30, TimeUnit.SECONDS);
    }
  }

  private static void produce(IdvConfig config, List<DemoBatch.Item> batch) throws Exception {
    Map<String, Object> props = new HashMap<>(config.kafkaClientProperties());
    props.put(ProducerConfig.ACKS_CONFIG, "all");
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
      for (DemoBatch.Item item : batch) {
        producer.send(new ProducerRecord<>(config.requestsTopic(), item.key(), item.value()));
      }
      producer.flush();
    }
  }

  /** Terminal events seen, by the bizId they answer ("(unreadable)" for DECODE dead letters). */
  record Tally(Map<String, Integer> byKey, Map<String, Integer> results, Map<String, Integer> deadLetters, int replayed,
      Map<CheckType, CallSpan> spans) {
    int total() {
      return byKey.values().stream().mapToInt(Integer::intValue).sum();
    }
  }

  private Tally consume(IdvConfig config, List<DemoBatch.Item> batch, SchemaRegistryClient registry, PrintStream out,
      long started) {
    AvroSerde<VerificationResult> results = AvroSerde.forValues(VerificationResult.class, registry);
    AvroSerde<DeadLetter> deadLetters = AvroSerde.forValues(DeadLetter.class, registry);
    Tally tally = new Tally(new HashMap<>(), new TreeMap<>(), new TreeMap<>(), 0, new java.util.EnumMap<>(CheckType.class));
    int replayed = 0;
    Map<String, Object> props = new HashMap<>(config.kafkaClientProperties());
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "idv-demo-summary");
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
    long lastProgress = 0;
    // after the last expected event, keep reading a little: a duplicate event would show up there
    long settleUntil = Long.MAX_VALUE;
    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(config.resultsTopic(), config.deadLetterTopic()));
      while (System.nanoTime() < Math.min(deadline, settleUntil)) {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          if (record.topic().equals(config.resultsTopic())) {
            VerificationResult result = results.deserialize(record.topic(), record.value());
            tally.results().merge(result.getCheckType() + " " + result.getOutcome(), 1, Integer::sum);
            replayed += result.getReplayed() ? 1 : 0;
            if (!result.getReplayed()) {
              tally.spans().computeIfAbsent(result.getCheckType(), t -> new CallSpan()).add(result.getCompletedAt());
            }
            tally.byKey().merge(result.getBizId(), 1, Integer::sum);
          } else {
            DeadLetter letter = deadLetters.deserialize(record.topic(), record.value());
            tally.deadLetters().merge(letter.getStage() + " " + letter.getErrorCode(), 1, Integer::sum);
            tally.byKey().merge(letter.getBizId() == null ? "(unreadable)" : letter.getBizId(), 1, Integer::sum);
          }
        }
        if (tally.total() >= batch.size() && settleUntil == Long.MAX_VALUE) {
          settleUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        }
        long now = System.nanoTime();
        if (now - lastProgress > TimeUnit.SECONDS.toNanos(1)) {
          lastProgress = now;
          out.printf("\r  %5.1fs  %d/%d accounted for (%d results, %d dead letters)   ",
            (now - started) / 1e9, tally.total(), batch.size(),
            tally.results().values().stream().mapToInt(Integer::intValue).sum(),
            tally.deadLetters().values().stream().mapToInt(Integer::intValue).sum());
          out.flush();
        }
      }
    }
    out.println();
    return new Tally(tally.byKey(), tally.results(), tally.deadLetters(), replayed, tally.spans());
  }

  /** When the first and the last answer of one API came: the span its calls took. */
  static final class CallSpan {
    private Instant first;
    private Instant last;
    private int count;

    void add(Instant completedAt) {
      first = first == null || completedAt.isBefore(first) ? completedAt : first;
      last = last == null || completedAt.isAfter(last) ? completedAt : last;
      count++;
    }

    /** Answers per second between the first and the last; NaN with fewer than two. */
    double rate() {
      double seconds = Duration.between(first, last).toMillis() / 1000.0;
      return count < 2 || seconds <= 0 ? Double.NaN : (count - 1) / seconds;
    }
  }

  private static int summary(PrintStream out, List<DemoBatch.Item> batch, Tally tally, Map<Api, ApiStats.Snapshot> stats,
      Map<Api, Integer> limits, Duration took) {
    Map<DemoBatch.Kind, Integer> kinds = new TreeMap<>();
    Map<String, Integer> expected = new HashMap<>();
    for (DemoBatch.Item item : batch) {
      kinds.merge(item.kind(), 1, Integer::sum);
      expected.merge(item.bizId() == null ? "(unreadable)" : item.bizId(), 1, Integer::sum);
    }
    out.println();
    out.println("Records produced       " + batch.size() + "  " + kinds);
    out.println("Results                " + tally.results().values().stream().mapToInt(Integer::intValue).sum()
      + "  (" + tally.replayed() + " replayed from the dedup store)");
    tally.results().forEach((k, v) -> out.printf("  %-30s %5d%n", k, v));
    out.println("Dead letters           " + tally.deadLetters().values().stream().mapToInt(Integer::intValue).sum());
    tally.deadLetters().forEach((k, v) -> out.printf("  %-30s %5d%n", k, v));
    out.println();
    out.printf("%-22s %7s %9s %10s %9s %13s %6s %12s%n", "API", "calls", "accepted", "throttled", "repeated", "peak QPS (1s)",
      "limit", "utilisation");
    boolean withinLimits = true;
    for (Map.Entry<Api, ApiStats.Snapshot> e : stats.entrySet()) {
      ApiStats.Snapshot s = e.getValue();
      Integer limit = limits.getOrDefault(e.getKey(), s.qpsLimit());
      withinLimits &= s.maxCallsInAnyOneSecondWindow() <= limit;
      CallSpan span = tally.spans().get(e.getKey().checkType());
      double utilisation = span == null ? Double.NaN : span.rate() / limit;
      out.printf("%-22s %7d %9d %10d %9d %13d %6d %12.2f%n", e.getKey().action(), s.calls(), s.accepted(), s.throttled(),
        s.repeated(), s.maxCallsInAnyOneSecondWindow(), limit, utilisation);
    }
    out.println("(utilisation: answers per second between an API's first and last answer, over its limit)");
    out.println();
    int missing = 0;
    int extra = 0;
    for (Map.Entry<String, Integer> e : expected.entrySet()) {
      int seen = tally.byKey().getOrDefault(e.getKey(), 0);
      missing += Math.max(0, e.getValue() - seen);
      extra += Math.max(0, seen - e.getValue());
    }
    for (Map.Entry<String, Integer> e : tally.byKey().entrySet()) {
      if (!expected.containsKey(e.getKey())) {
        extra += e.getValue();
      }
    }
    out.printf("Took %.1f s. Accounted for: %d of %d records; missing %d, extra %d. Peak QPS within limits: %s.%n",
      took.toMillis() / 1000.0, tally.total(), batch.size(), missing, extra, withinLimits ? "yes" : "NO");
    boolean ok = missing == 0 && extra == 0 && withinLimits;
    out.println(ok ? "OK: every request ended exactly once as a result or a dead letter." : "FAILED: see above.");
    return ok ? 0 : 1;
  }
}
