package dev.idvstreams.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idvstreams.api.Api;
import dev.idvstreams.avro.DeadLetter;
import dev.idvstreams.avro.VerificationRequest;
import dev.idvstreams.avro.VerificationResult;
import dev.idvstreams.embedded.FreePort;
import dev.idvstreams.embedded.KafkaBootstrap;
import dev.idvstreams.serde.ApicurioRegistry;
import dev.idvstreams.embedded.KafkaExtension;
import dev.idvstreams.serde.AvroSerde;
import dev.idvstreams.simulator.SimulatorOptions;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The three records that used to stop a whole group for good: a tombstone; a Confluent header and
 * an Avro string length of 2^30 (ten bytes; nine with a length of 2^27 - 1, the most a 4-byte varint
 * holds); a valid request whose bizId has 600,000 characters. Each is sent to every
 * partition of a group of three processor JVMs (the shaded jar, as ScaleOutIT runs it), once under
 * each processing guarantee: every instance keeps running, each record ends as its dead letter (the
 * tombstone as nothing), and the requests sent after them get their results.
 */
@ExtendWith(KafkaExtension.class)
class PoisonPillsIT {

  private static final int PARTITIONS = 3;
  private static final Duration TIMEOUT = Duration.ofSeconds(75);
  /** A real registry, shared by the three JVMs and the test; one for the class, as it takes a while to start. */
  private static ApicurioRegistry registry;

  @BeforeAll
  static void startRegistry() throws Exception {
    registry = ApicurioRegistry.shared();
  }

  @AfterAll
  static void stopRegistry() throws Exception {
    registry.close();
  }

  @Test
  void shouldSurviveThePoisonPillsUnderExactlyOnce(KafkaBootstrap kafka) throws Exception {
    survive(kafka, "exactly_once_v2", "INVALID_BIZ_ID");
  }

  @Test
  void shouldSurviveThePoisonPillsUnderAtLeastOnce(KafkaBootstrap kafka) throws Exception {
    survive(kafka, "at_least_once", "INVALID_BIZ_ID");
  }

  /** One record sent, and what it must earn. */
  record Sent(String what, RecordMetadata at, String bizId, String stage, String code) {}

  private static void survive(KafkaBootstrap kafka, String guarantee, String longBizIdCode) throws Exception {
    long started = System.nanoTime();
    SimulatorOptions.Builder sim = SimulatorOptions.builder().latency(Duration.ofMillis(20), Duration.ZERO);
    Map<String, String> overrides = new HashMap<>(Map.of("processing.guarantee", guarantee, "shutdown.grace.ms", "5000"));
    for (Api api : Api.values()) {
      sim.qps(api, 30);
      overrides.put("qps." + api.id(), "30");
    }
    try (PipelineHarness it = new PipelineHarness(kafka, sim, registry.ccompatUrl(), overrides, PARTITIONS)) {
      List<ProcessorProcess> instances = new ArrayList<>();
      List<Integer> opsPorts = new ArrayList<>();
      try {
        for (int i = 1; i <= 3; i++) {
          Map<String, String> config = new HashMap<>(it.config());
          int port = FreePort.pick();
          config.put("group.instance.id", "pp-" + i);
          config.put("http.host", "127.0.0.1");
          config.put("http.port", String.valueOf(port));
          opsPorts.add(port);
          instances.add(ProcessorProcess.start("pp-" + guarantee + "-" + i, config));
        }
        // all three in the group and running before the pills arrive, so each one gets its share
        Awaitility.await().atMost(Duration.ofSeconds(45)).pollInterval(Duration.ofMillis(250))
          .until(() -> opsPorts.stream().allMatch(p -> status(p, "/health/ready") == 200));

        int schemaId = it.registry.register(it.requestsTopic + "-value", VerificationRequest.getClassSchema());
        // a zig-zag varint of 2^30 takes 5 bytes (2^31 has 32 bits): the header and it are 10 bytes;
        // the longest length that 9 bytes declare is 2^27 - 1 (a 4-byte varint): both are sent
        byte[] bomb = Wire.header(schemaId).varlong(1L << 30).toBytes();
        assertThat(bomb).as("the header and a zig-zag varint of 2^30").hasSize(10);
        byte[] nineBytes = Wire.header(schemaId).varlong((1L << 27) - 1).toBytes();
        assertThat(nineBytes).as("the header and a zig-zag varint of 2^27 - 1").hasSize(9);
        List<Sent> sent = new ArrayList<>();
        try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(), ProducerConfig.ACKS_CONFIG, "all",
            ProducerConfig.LINGER_MS_CONFIG, 0), new ByteArraySerializer(), new ByteArraySerializer())) {
          for (int partition = 0; partition < PARTITIONS; partition++) {
            sent.add(new Sent("tombstone", send(producer, it.requestsTopic, partition, "tomb".getBytes(), null), null, null, null));
            sent.add(new Sent("string bomb (2^30 bytes, 10-byte record)", send(producer, it.requestsTopic, partition, null, bomb),
              null, "DECODE", "CORRUPT_PAYLOAD"));
            sent.add(new Sent("string bomb (2^27 - 1 bytes, 9-byte record)", send(producer, it.requestsTopic, partition, null,
              nineBytes), null, "DECODE", "CORRUPT_PAYLOAD"));
            String huge = "pp-" + partition + "-" + "z".repeat(600_000 - 5);
            byte[] value = Wire.framed(schemaId, CorpusRequests.credential(huge));
            assertThat(value.length).as("about 600 KB, under the broker's 1 MB").isBetween(600_000, 1_000_000);
            sent.add(new Sent("600,000-character bizId", send(producer, it.requestsTopic, partition,
              ("pp-long-" + partition).getBytes(), value), CorpusRequests.bounded(huge), "VALIDATION", longBizIdCode));
          }
          for (int i = 0; i < 2 * PARTITIONS; i++) {
            VerificationRequest after = CorpusRequests.credential("pp-after-" + guarantee + "-" + i);
            sent.add(new Sent("valid request after the pills", send(producer, it.requestsTopic, i % PARTITIONS,
              after.getBizId().getBytes(), Wire.framed(schemaId, after)), after.getBizId(), null, null));
          }
        }

        List<Event> events = awaitEvents(kafka, it, sent, () -> instances.stream().noneMatch(ProcessorProcess::isAlive));
        List<String> failures = new ArrayList<>();
        for (Sent s : sent) {
          List<Event> earned = events.stream().filter(e -> earns(s, e, it.requestsTopic)).toList();
          String got = earned.stream().map(Event::describe).toList().toString();
          System.out.printf("[poison %s] %s at %d@%d: %s%n", guarantee, s.what(), s.at().partition(), s.at().offset(), got);
          if (s.what().equals("tombstone")) {
            continue;
          }
          String expected = s.stage() == null ? "\\[result PASS[^,\\]]*\\]" : "\\[dead letter " + s.stage() + " (" + s.code() + ")\\]";
          if (!got.matches(expected)) {
            failures.add(s.what() + " at " + s.at().partition() + "@" + s.at().offset() + ": expected " + expected + ", got " + got);
          }
        }
        long claimed = events.stream().filter(e -> sent.stream().anyMatch(s -> earns(s, e, it.requestsTopic))).count();
        if (claimed != events.size()) {
          failures.add((events.size() - claimed) + " event(s) that no record earned (a tombstone's, or one too many)");
        }
        double skipped = 0;
        for (int port : opsPorts) {
          skipped += metric(port, "idv_skipped_records_total", "reason=\"tombstone\"");
        }
        if (skipped != PARTITIONS) {
          failures.add("tombstones counted as skipped across the instances: " + skipped + ", expected " + PARTITIONS);
        }
        for (int i = 0; i < instances.size(); i++) {
          ProcessorProcess instance = instances.get(i);
          if (!instance.isAlive()) {
            failures.add(instance.name() + " exited with " + instance.exitValue());
            continue;
          }
          int live = status(opsPorts.get(i), "/health/live");
          if (live != 200) {
            failures.add(instance.name() + ": /health/live " + live);
          }
          if (instance.log().contains("Stream thread failed")) {
            failures.add(instance.name() + ": a stream thread failed");
          }
        }
        System.out.printf("[poison %s] done in %.1f s%n", guarantee, (System.nanoTime() - started) / 1e9);
        failures.forEach(f -> System.out.println("[poison " + guarantee + "] FAILED " + f));
        assertThat(failures).as("under " + guarantee).isEmpty();
      } finally {
        for (ProcessorProcess instance : instances) {
          instance.close();
        }
      }
    }
  }

  private static RecordMetadata send(KafkaProducer<byte[], byte[]> producer, String topic, int partition, byte[] key,
      byte[] value) throws Exception {
    return producer.send(new ProducerRecord<>(topic, partition, key, value)).get(30, TimeUnit.SECONDS);
  }

  record Event(String key, VerificationResult result, DeadLetter deadLetter) {
    String describe() {
      return result != null ? "result " + result.getOutcome() + (result.getReasonCode() == null ? "" : " " + result.getReasonCode())
        : "dead letter " + deadLetter.getStage() + " " + deadLetter.getErrorCode();
    }
  }

  private static boolean earns(Sent s, Event e, String requestsTopic) {
    if (e.result() != null) {
      return s.bizId() != null && s.bizId().equals(e.result().getBizId());
    }
    DeadLetter d = e.deadLetter();
    return (s.bizId() != null && s.bizId().equals(d.getBizId())) || (requestsTopic.equals(d.getTopic())
      && d.getPartition() != null && d.getOffset() != null && d.getPartition() == s.at().partition()
      && d.getOffset() == s.at().offset());
  }

  /**
   * Until every record but the tombstones earned an event (or {@code allGone}: no instance left to
   * earn one), then three seconds more so that extra events show.
   */
  private static List<Event> awaitEvents(KafkaBootstrap kafka, PipelineHarness it, List<Sent> sent,
      java.util.function.BooleanSupplier allGone) {
    AvroSerde<VerificationResult> results = AvroSerde.forValues(VerificationResult.class, it.registry);
    AvroSerde<DeadLetter> deadLetters = AvroSerde.forValues(DeadLetter.class, it.registry);
    List<Event> events = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
        ConsumerConfig.GROUP_ID_CONFIG, it.prefix + "-poison-" + UUID.randomUUID(),
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed"), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(it.resultsTopic, it.dlqTopic));
      Runnable poll = () -> {
        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
          String key = r.key() == null ? null : new String(r.key(), StandardCharsets.UTF_8);
          boolean isResult = r.topic().equals(it.resultsTopic);
          events.add(new Event(key, isResult ? results.deserialize(r.topic(), r.value()) : null,
            isResult ? null : deadLetters.deserialize(r.topic(), r.value())));
        }
      };
      try {
        Awaitility.await().atMost(TIMEOUT).pollDelay(Duration.ZERO).pollInterval(Duration.ofMillis(1)).until(() -> {
          poll.run();
          return allGone.getAsBoolean() || sent.stream().filter(s -> !s.what().equals("tombstone"))
            .allMatch(s -> events.stream().anyMatch(e -> earns(s, e, it.requestsTopic)));
        });
      } catch (org.awaitility.core.ConditionTimeoutException e) {
        sent.forEach(s -> System.out.printf("[poison] %s at %d@%d: %s%n", s.what(), s.at().partition(), s.at().offset(),
          events.stream().filter(ev -> earns(s, ev, it.requestsTopic)).map(Event::describe).toList()));
        throw e;
      }
      long settleUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
      while (System.nanoTime() < settleUntil) {
        poll.run();
      }
    }
    return events;
  }

  private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  private static int status(int port, String path) {
    try {
      return HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).timeout(Duration.ofSeconds(5)).build(),
        HttpResponse.BodyHandlers.discarding()).statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  private static double metric(int port, String name, String label) throws Exception {
    String body = HTTP.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/metrics")).build(),
      HttpResponse.BodyHandlers.ofString()).body();
    Matcher m = Pattern.compile("(?m)^" + name + "\\{([^}]*)\\} (\\S+)$").matcher(body);
    double sum = 0;
    while (m.find()) {
      if (m.group(1).toLowerCase(java.util.Locale.ROOT).contains(label.toLowerCase(java.util.Locale.ROOT))) {
        sum += Double.parseDouble(m.group(2));
      }
    }
    return sum;
  }
}
