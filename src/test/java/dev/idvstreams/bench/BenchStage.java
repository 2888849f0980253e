package dev.idvstreams.bench;

import dev.idvstreams.avro.VerificationRequest;
import dev.idvstreams.config.IdvConfig;
import dev.idvstreams.embedded.EmbeddedKafkaBroker;
import dev.idvstreams.operator.TopicCreator;
import dev.idvstreams.runtime.ProcessorRuntime;
import dev.idvstreams.serde.AvroSerde;
import dev.idvstreams.serde.SchemaRegistries;
import dev.idvstreams.serde.SchemaRegistryClient;
import dev.idvstreams.simulator.Simulator;
import dev.idvstreams.simulator.SimulatorOptions;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.streams.StreamsConfig;
import org.awaitility.Awaitility;

/**
 * Everything a scenario runs against, in this JVM: a fresh embedded KRaft broker, the simulator
 * with the spec's latency and limits, the in-process registry, the processor's three topics, and
 * as many processor instances as the scenario starts ({@link #startProcessor()}), configured the
 * way {@code demo} configures one. A fresh broker per stage keeps one case's transactions,
 * groups and backlog out of the next case's figures.
 */
public final class BenchStage implements AutoCloseable {

  private final StageSpec spec;
  private final String prefix = "bench-" + UUID.randomUUID().toString().substring(0, 8);
  private final EmbeddedKafkaBroker broker;
  private final Vertx vertx = Vertx.vertx();
  private final Simulator simulator;
  private final SchemaRegistryClient registry;
  private final Map<String, String> processorProperties;
  private final IdvConfig config;
  private final List<ProcessorRuntime> processors = new ArrayList<>();
  private final List<Path> tempDirs = new ArrayList<>();
  private final List<AutoCloseable> clients = new ArrayList<>();
  private RequestProducer producer;
  private TerminalReader reader;

  private BenchStage(StageSpec spec) throws Exception {
    this.spec = spec;
    this.broker = EmbeddedKafkaBroker.startTemporary();
    SimulatorOptions.Builder options = SimulatorOptions.builder().port(0).latency(spec.latency(), Duration.ZERO);
    spec.limits().forEach(options::qps);
    this.simulator = new Simulator(vertx, options.build());
    int simulatorPort = simulator.start().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    // the in-process registry by default; a processor in a JVM of its own needs one both can reach
    String registryUrl = spec.overrides().getOrDefault(IdvConfig.SCHEMA_REGISTRY_URL_CONFIG,
        SchemaRegistries.MOCK_PREFIX + prefix);
    this.registry = SchemaRegistries.forUrl(registryUrl, null, Duration.ofSeconds(10));
    this.processorProperties = processorProperties(simulatorPort, registryUrl);
    this.config = new IdvConfig(processorProperties);
    createAndAwait(List.copyOf(TopicCreator.newTopics(config, TopicCreator.DEFAULT_DLQ_RETENTION_MS).values()));
  }

  /** Starts the broker and the simulator and creates the processor's topics; no processor runs yet. */
  public static BenchStage start(StageSpec spec) throws Exception {
    return new BenchStage(spec);
  }

  private Map<String, String> processorProperties(int simulatorPort, String registryUrl) {
    Map<String, String> p = new HashMap<>();
    p.put(IdvConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    p.put(IdvConfig.APPLICATION_ID_CONFIG, prefix);
    p.put(IdvConfig.SCHEMA_REGISTRY_URL_CONFIG, registryUrl);
    p.put(IdvConfig.TOPIC_REQUESTS_CONFIG, prefix + ".requests");
    p.put(IdvConfig.TOPIC_RESULTS_CONFIG, prefix + ".results");
    p.put(IdvConfig.TOPIC_DLQ_CONFIG, prefix + ".dlq");
    p.put(IdvConfig.TOPIC_PARTITIONS_CONFIG, String.valueOf(spec.partitions()));
    p.put(IdvConfig.ALIYUN_ENDPOINT_OVERRIDE_CONFIG, "http://127.0.0.1:" + simulatorPort);
    p.put(IdvConfig.ALIYUN_ACCESS_KEY_ID_CONFIG, SimulatorOptions.DEFAULT_ACCESS_KEY_ID);
    p.put(IdvConfig.ALIYUN_ACCESS_KEY_SECRET_CONFIG, SimulatorOptions.DEFAULT_ACCESS_KEY_SECRET);
    p.put(IdvConfig.IMAGE_FETCH_ALLOW_PRIVATE_ADDRESSES_CONFIG, "true");
    p.put(IdvConfig.HTTP_HOST_CONFIG, "127.0.0.1");
    p.put(IdvConfig.HTTP_PORT_CONFIG, "0");
    spec.limits().forEach((api, limit) -> p.put("qps." + api.id(), String.valueOf(limit)));
    p.putAll(spec.overrides());
    return p;
  }

  public StageSpec spec() {
    return spec;
  }

  /** The processor's configuration (its state.dir aside: each instance gets its own). */
  public IdvConfig config() {
    return config;
  }

  public String bootstrapServers() {
    return broker.bootstrapServers();
  }

  public Simulator simulator() {
    return simulator;
  }

  public SchemaRegistryClient registry() {
    return registry;
  }

  /**
   * The configuration of one more instance of the same application, with a state directory and a
   * member id ({@code group.instance.id}) of its own: for a processor run as its own JVM.
   */
  public Map<String, String> instanceProperties(String memberId) throws IOException {
    Map<String, String> own = new HashMap<>(processorProperties);
    own.put(IdvConfig.STATE_DIR_CONFIG, tempDir("state").toString());
    own.put(IdvConfig.GROUP_INSTANCE_ID_CONFIG, memberId);
    return own;
  }

  /** Starts one more processor instance of the same application, with a state directory of its own. */
  public ProcessorRuntime startProcessor() throws IOException {
    Map<String, String> own = new HashMap<>(processorProperties);
    own.put(IdvConfig.STATE_DIR_CONFIG, tempDir("state").toString());
    ProcessorRuntime runtime = ProcessorRuntime.start(new IdvConfig(own));
    processors.add(runtime);
    return runtime;
  }

  /** Closes every processor instance (draining, leaving the group), in the order they started. */
  public void stopProcessors() {
    processors.forEach(ProcessorRuntime::close);
    processors.clear();
  }

  /** The producer of the processor's request topic, made on first use. */
  public RequestProducer producer() {
    if (producer == null) {
      producer = producer(config.requestsTopic());
    }
    return producer;
  }

  /** A producer of requests to another topic (a baseline topology's input); closed with the stage. */
  public RequestProducer producer(String topic) {
    return keep(new RequestProducer(broker.bootstrapServers(), topic,
        AvroSerde.forValues(VerificationRequest.class, registry)));
  }

  /** The reader of the processor's result and dead-letter topics, from their start, made on first use. */
  public TerminalReader reader() {
    if (reader == null) {
      reader = reader(config.resultsTopic(), config.deadLetterTopic());
    }
    return reader;
  }

  /** A reader of other topics (a baseline topology's output); {@code deadLetterTopic} may be null. */
  public TerminalReader reader(String resultsTopic, String deadLetterTopic) {
    return keep(new TerminalReader(broker.bootstrapServers(), registry, resultsTopic, deadLetterTopic));
  }

  /**
   * Sends {@code count} requests and waits for their answers: the processor is then assigned its
   * partitions, connected to the simulator and registered its schemas, so none of that falls into
   * a measurement.
   */
  public void warmUp(int count, Duration timeout) throws Exception {
    producer().sendAll(BenchRequests.valid(spec.api(), "warmup", count));
    reader().await("warmup", count, timeout);
  }

  /** Creates topics of this stage's partitions for a baseline topology; returns their full names, prefixed. */
  public List<String> createTopics(String... suffixes) throws Exception {
    List<String> names = Stream.of(suffixes).map(s -> prefix + "." + s).toList();
    createAndAwait(names.stream().map(n -> new NewTopic(n, spec.partitions(), (short) 1)).toList());
    return names;
  }

  /**
   * Creates the topics and waits until every partition has a leader: a producer writing to a topic
   * created a moment before got NOT_LEADER_OR_FOLLOWER, then OUT_OF_ORDER_SEQUENCE_NUMBER on every
   * retry until its delivery timeout (seen here with Kafka 4.3's idempotent producer).
   */
  private void createAndAwait(List<NewTopic> topics) throws Exception {
    List<String> names = topics.stream().map(NewTopic::name).toList();
    try (Admin admin = admin()) {
      admin.createTopics(topics).all().get(30, TimeUnit.SECONDS);
      Awaitility.await("a leader for every partition of " + names).atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(50)).until(() -> allLed(admin, names));
    }
  }

  private static boolean allLed(Admin admin, List<String> names) throws Exception {
    try {
      return admin.describeTopics(names).allTopicNames().get(10, TimeUnit.SECONDS).values().stream()
          .allMatch(topic -> topic.partitions().stream().allMatch(p -> p.leader() != null && !p.leader().isEmpty()));
    } catch (ExecutionException e) {
      if (e.getCause() instanceof UnknownTopicOrPartitionException) {
        return false; // not in the metadata yet
      }
      throw e;
    }
  }

  /**
   * Kafka Streams settings for a baseline topology on this broker: exactly_once_v2 and one stream
   * thread, as the processor runs by default, and Kafka Streams' defaults otherwise (the 100 ms
   * commit interval of EOS among them).
   */
  public Properties streamsProperties(String applicationSuffix) throws IOException {
    Properties props = new Properties();
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, broker.bootstrapServers());
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, prefix + "-" + applicationSuffix);
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, StreamsConfig.EXACTLY_ONCE_V2);
    props.put(StreamsConfig.NUM_STREAM_THREADS_CONFIG, 1);
    props.put(StreamsConfig.STATE_DIR_CONFIG, tempDir("baseline-state").toString());
    return props;
  }

  /** A temporary directory, deleted with the stage. */
  public Path tempDir(String name) throws IOException {
    Path dir = Files.createTempDirectory("idv-bench-" + name + "-");
    tempDirs.add(dir);
    return dir;
  }

  private Admin admin() {
    return Admin.create(Map.of("bootstrap.servers", broker.bootstrapServers()));
  }

  private <T extends AutoCloseable> T keep(T client) {
    clients.add(client);
    return client;
  }

  @Override
  public void close() throws Exception {
    stopProcessors();
    for (AutoCloseable client : clients) {
      client.close();
    }
    simulator.stop().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    broker.close();
    tempDirs.forEach(BenchStage::delete);
  }

  private static void delete(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
