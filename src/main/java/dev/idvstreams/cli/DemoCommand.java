package dev.idvstreams.cli;

import dev.idvstreams.runtime.ProcessorRuntime;
import dev.idvstreams.api.Api;
import dev.idvstreams.avro.VerificationRequest;
import dev.idvstreams.config.ConfigLoader;
import dev.idvstreams.config.IdvConfig;
import dev.idvstreams.demo.DemoBatch;
import dev.idvstreams.demo.DemoLogging;
import dev.idvstreams.demo.DemoSummary;
import dev.idvstreams.demo.EventDump;
import dev.idvstreams.embedded.EmbeddedKafkaBroker;
import dev.idvstreams.operator.TopicCreator;
import dev.idvstreams.serde.AvroSerde;
import dev.idvstreams.serde.SchemaRegistries;
import dev.idvstreams.serde.SchemaRegistryClient;
import dev.idvstreams.demo.SimulatorProcess;
import dev.idvstreams.simulator.SimulatorOptions;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
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
  /** Enough for the JIT to compile the simulator's request path (see SimulatorWarmUp). */
  private static final int SIMULATOR_WARM_UP_CALLS = 3000;

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

  @Option(names = "--dump-dir", paramLabel = "DIR",
    description = "Also write every result and dead letter as consumers see them (events.txt) and the last scrape of "
      + "/metrics (metrics.txt) into DIR, to check what the processor exposes.")
  Path dumpDir;

  @Option(names = "--verbose", description = "Show the log lines of the broker, Kafka Streams and the processor on the "
    + "console too; by default they go to a file whose path the demo prints.")
  boolean verbose;

  @Override
  public Integer call() throws Exception {
    PrintStream out = System.out;
    Map<Api, Integer> limits = new LinkedHashMap<>();
    qps.forEach((name, limit) -> limits.put(Api.parse(name), limit));
    out.println("idv-streams demo: " + requests + " records, QPS limits " + qps + ", API latency " + latencyMs + " ms");
    Path logs = Files.createTempDirectory("idv-demo-logs-");
    Path simulatorLog = logs.resolve("simulator.log");
    if (!verbose) {
      DemoLogging.toFile(logs.resolve("demo.log"));
    }
    out.println("logs: " + (verbose ? "on the console" : logs.resolve("demo.log")) + "; the simulator's: " + simulatorLog);
    // the simulator first: it warms up while the broker starts
    try (SimulatorProcess simulator = SimulatorProcess.start(Main.class.getName(), simulateArgs(limits), simulatorLog,
          Duration.ofSeconds(120));
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.startTemporary()) {
      IdvConfig config = ConfigLoader.fromSystemEnvironment().load(demoConfig(broker, simulator.endpoint(), limits));
      createTopics(config);
      out.println("broker " + broker.bootstrapServers() + ", simulator " + simulator.endpoint() + " (its own JVM), registry "
        + REGISTRY);

      try (ProcessorRuntime runtime = ProcessorRuntime.start(config)) {
        SchemaRegistryClient registry = SchemaRegistries.forUrl(REGISTRY, null, Duration.ofSeconds(5));
        List<DemoBatch.Item> batch = DemoBatch.generate(requests, seed, config.requestsTopic(),
          AvroSerde.forValues(VerificationRequest.class, registry));
        long started = System.nanoTime();
        produce(config, batch);
        java.util.Optional<EventDump> dump = java.util.Optional.ofNullable(dumpDir).map(EventDump::new);
        DemoSummary.Tally tally;
        try {
          tally = DemoSummary.consume(config, batch, registry, out, started, timeoutSeconds, simulator::stats, limits, dump);
          dump.ifPresent(d -> d.metrics(runtime.opsPort()));
        } finally {
          dump.ifPresent(EventDump::close);
        }
        Duration took = Duration.ofNanos(System.nanoTime() - started);
        return DemoSummary.summary(out, batch, tally, simulator.stats(), limits, took);
      }
    }
  }

  /** The simulator's flags: the demo's limits and latency. */
  private List<String> simulateArgs(Map<Api, Integer> limits) {
    List<String> args = new ArrayList<>(List.of("--latency-ms", String.valueOf(latencyMs), "--warm-up-calls",
      String.valueOf(SIMULATOR_WARM_UP_CALLS)));
    limits.forEach((api, limit) -> args.addAll(List.of("--qps", api.action() + "=" + limit)));
    return args;
  }

  private Map<String, String> demoConfig(EmbeddedKafkaBroker broker, String simulatorEndpoint, Map<Api, Integer> limits) throws Exception {
    Map<String, String> config = new HashMap<>();
    config.put("bootstrap.servers", broker.bootstrapServers());
    config.put("application.id", "idv-demo");
    config.put("schema.registry.url", REGISTRY);
    config.put("state.dir", Files.createTempDirectory("idv-demo-state-").toString());
    config.put("topic.partitions", String.valueOf(partitions));
    config.put("aliyun.endpoint-override", simulatorEndpoint);
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
      admin.createTopics(TopicCreator.newTopics(config, TopicCreator.DEFAULT_DLQ_RETENTION_MS).values())
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
}
