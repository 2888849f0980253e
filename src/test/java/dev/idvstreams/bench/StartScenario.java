package dev.idvstreams.bench;

import dev.idvstreams.api.Api;
import dev.idvstreams.simulator.Arrivals;
import dev.idvstreams.avro.DedupEntry;
import dev.idvstreams.avro.DedupStatus;
import dev.idvstreams.cli.ProcessorProcess;
import dev.idvstreams.config.IdvConfig;
import dev.idvstreams.serde.ApicurioRegistry;
import dev.idvstreams.topology.VerificationTopology;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * From process start ({@code java -jar target/idv-streams.jar run}, its own JVM) to the first
 * result and to 0.95 of the limit, on an empty deduplication store and on one whose changelog
 * already holds many completed entries, which the processor restores before it calls.
 */
final class StartScenario implements Scenario {

  private static final int LIMIT = 50;

  @Override
  public String name() {
    return "start";
  }

  @Override
  public String description() {
    return "A processor JVM started against a backlog (CredentialVerifyIntl, " + LIMIT + " QPS, 200 ms): seconds from "
        + "process start to the first result and to the first second at 0.95 of the limit; with an empty store and "
        + "with a changelog of completed entries to restore (written to the changelog topic before the start).";
  }

  @Override
  public List<BenchRow> run(BenchSettings settings) throws Exception {
    List<BenchRow> rows = new ArrayList<>();
    try (ApicurioRegistry registry = ApicurioRegistry.start()) {
      rows.add(settings.measured(measure(0, registry.ccompatUrl())));
      rows.add(settings.measured(measure(settings.pick(1_000_000, 100_000), registry.ccompatUrl())));
    }
    return rows;
  }

  private static BenchRow measure(int restored, String registryUrl) throws Exception {
    Api api = Api.CREDENTIAL_VERIFY_INTL;
    int requests = LIMIT * 15;
    StageSpec spec = StageSpec.of(api).withLatency(Duration.ofMillis(200)).withLimit(LIMIT).withPartitions(3)
        .withOverride(IdvConfig.SCHEMA_REGISTRY_URL_CONFIG, registryUrl);
    try (BenchStage stage = BenchStage.start(spec)) {
      if (restored > 0) {
        fillChangelog(stage, restored);
      }
      stage.producer().sendAll(BenchRequests.valid(api, "s", requests));
      long started = System.nanoTime();
      long startedAtMs = System.currentTimeMillis();
      Map<String, String> instance = stage.instanceProperties("start");
      try (ProcessorProcess processor = ProcessorProcess.start("start", instance)) {
        List<TerminalEvent> events = stage.reader().await("s", requests, Duration.ofMinutes(10));
        long firstResultMs = events.stream().mapToLong(TerminalEvent::receivedAt).min().orElseThrow();
        Arrivals arrivals = new Arrivals(stage.simulator().acceptedArrivals(api));
        double firstResult = (firstResultMs - startedAtMs) / 1000.0;
        double fullRate = arrivals.secondsUntilRate(started, 0.95, LIMIT);
        processor.terminate();
        processor.awaitExit(Duration.ofSeconds(40));
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("store entries", restored);
        figures.put("first call s", Figures.round(arrivals.secondsUntilFirst(started)));
        figures.put("first result read s", Figures.round(firstResult));
        figures.put("0.95 of limit s", Figures.round(fullRate));
        // the restored store on disk: shows the entries were restored, not skipped
        figures.put("state dir MB", Figures.round(sizeOf(Path.of(instance.get(IdvConfig.STATE_DIR_CONFIG))) / 1e6));
        String target = restored == 0 ? "first result ≤ 10 s" : "first result ≤ 60 s";
        boolean met = firstResult <= (restored == 0 ? 10 : 60);
        return new BenchRow("start", restored == 0 ? "empty store" : restored + " entries to restore", figures, target, met);
      }
    }
  }

  private static long sizeOf(Path dir) throws IOException {
    try (Stream<Path> files = Files.walk(dir)) {
      return files.filter(Files::isRegularFile).mapToLong(file -> file.toFile().length()).sum();
    }
  }

  /**
   * Writes {@code count} completed entries to the store's changelog, keyed and partitioned as the
   * processor writes them (the bizId, murmur2 over the topic's partitions), encoded as the store
   * encodes them (Avro single-object encoding).
   */
  private static void fillChangelog(BenchStage stage, int count) throws Exception {
    String changelog = stage.config().applicationId() + "-" + VerificationTopology.DEDUP_STORE + "-changelog";
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", stage.bootstrapServers()))) {
      admin.createTopics(List.of(new NewTopic(changelog, stage.spec().partitions(), (short) 1)
          .configs(Map.of(TopicConfig.CLEANUP_POLICY_CONFIG, TopicConfig.CLEANUP_POLICY_COMPACT))))
          .all().get(30, TimeUnit.SECONDS);
    }
    Map<String, Object> props = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, stage.bootstrapServers(),
        ProducerConfig.LINGER_MS_CONFIG, 20, ProducerConfig.BATCH_SIZE_CONFIG, 512 * 1024,
        ProducerConfig.COMPRESSION_TYPE_CONFIG, "lz4");
    Instant now = Instant.now();
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
      for (int i = 0; i < count; i++) {
        String bizId = "restored-" + i;
        DedupEntry entry = DedupEntry.newBuilder().setBizId(bizId).setFingerprint(ByteBuffer.wrap(new byte[32]))
            .setStatus(DedupStatus.COMPLETED).setSourceTopic("").setSourcePartition(0).setSourceOffset(i)
            .setCreatedAt(now).setUpdatedAt(now).build();
        ByteBuffer encoded = DedupEntry.getEncoder().encode(entry);
        byte[] bytes = new byte[encoded.remaining()];
        encoded.get(bytes);
        producer.send(new ProducerRecord<>(changelog, bizId, bytes));
      }
      producer.flush();
    }
  }
}
