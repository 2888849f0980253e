package dev.idvstreams.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idvstreams.api.Api;
import dev.idvstreams.async.CancelScope;
import dev.idvstreams.avro.CheckType;
import dev.idvstreams.avro.CredentialCheck;
import dev.idvstreams.avro.DeadLetter;
import dev.idvstreams.avro.DeadLetterStage;
import dev.idvstreams.avro.Image;
import dev.idvstreams.avro.Outcome;
import dev.idvstreams.avro.VerificationRequest;
import dev.idvstreams.avro.VerificationResult;
import dev.idvstreams.check.CheckInvoker;
import dev.idvstreams.check.Settlement;
import dev.idvstreams.embedded.KafkaBootstrap;
import dev.idvstreams.embedded.KafkaExtension;
import dev.idvstreams.serde.AvroSerde;
import dev.idvstreams.serde.InProcessSchemaRegistry;
import dev.idvstreams.serde.RegistrySettings;
import dev.idvstreams.serde.SchemaRegistries;
import dev.idvstreams.serde.SchemaRegistryClient;
import dev.idvstreams.headers.CarriedHeaders;
import dev.idvstreams.topology.DeadLetterWriter;
import dev.idvstreams.topology.DecodeDeadLetterHandler;
import dev.idvstreams.topology.EventDelivery;
import dev.idvstreams.topology.PoisonStrikes;
import dev.idvstreams.topology.ProcessingControl;
import dev.idvstreams.topology.ProcessingFailureHandler;
import dev.idvstreams.topology.ProductionFailureHandler;
import dev.idvstreams.topology.RecordLimits;
import dev.idvstreams.topology.SkipReason;
import dev.idvstreams.topology.TopologyListener;
import dev.idvstreams.topology.VerificationTopology;
import io.vertx.core.Future;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The crash-loop guard with real Kafka Streams on the embedded broker: a record whose processing
 * throws an Error (here: the metrics listener, when it counts that record's validation dead letter)
 * stops the stream thread; the thread is replaced and reads it again, and after
 * {@code poison.max-failures} stops the record is dead-lettered (POISON_RECORD) and the processor
 * goes on. The invoker answers at once: calls are not what is tested.
 */
@ExtendWith(KafkaExtension.class)
class CrashLoopGuardIT {

  private static final int MAX_FAILURES = 3;

  @ParameterizedTest
  @ValueSource(strings = {StreamsConfig.EXACTLY_ONCE_V2, StreamsConfig.AT_LEAST_ONCE})
  void shouldDeadLetterARecordThatKeepsStoppingTheThreadAndGoOn(String guarantee, KafkaBootstrap kafka) throws Exception {
    String prefix = "crash-loop-" + UUID.randomUUID().toString().substring(0, 8);
    String requests = prefix + ".requests";
    String results = prefix + ".results";
    String dlq = prefix + ".dlq";
    try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
      admin.createTopics(List.of(new NewTopic(requests, 1, (short) 1), new NewTopic(results, 1, (short) 1),
        new NewTopic(dlq, 1, (short) 1))).all().get();
    }
    String scope = prefix;
    SchemaRegistryClient registry = SchemaRegistries.forUrl("mock://" + scope, null, Duration.ofSeconds(1));
    AtomicInteger errorsThrown = new AtomicInteger();
    List<SpecificRecord> counted = new CopyOnWriteArrayList<>();
    TopologyListener faultyMetrics = new TopologyListener() {
      @Override
      public void published(SpecificRecord value) {
        if (value instanceof DeadLetter letter && letter.getStage() == DeadLetterStage.VALIDATION
            && "poison".equals(letter.getBizId())) {
          errorsThrown.incrementAndGet();
          throw new StackOverflowError("injected");
        }
        counted.add(value);
      }

      @Override
      public void duplicateParked() {
      }

      @Override
      public void skipped(SkipReason reason) {
      }
    };
    Path stateDir = Files.createTempDirectory("crash-loop-");
    PoisonStrikes strikes = PoisonStrikes.inFile(stateDir.resolve(prefix).resolve("idv-poison-strikes"));
    VerificationTopology.Settings settings = new VerificationTopology.Settings(requests, false, results, dlq,
      Duration.ofHours(1), Duration.ofMinutes(1), Duration.ofMillis(20), 900 * 1024,
      EventDelivery.forGuarantee(guarantee), RecordLimits.KAFKA_DEFAULTS.maxRequestBytes(), MAX_FAILURES,
      new CarriedHeaders(List.of()));
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, prefix);
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
    props.put(StreamsConfig.STATE_DIR_CONFIG, stateDir.toString());
    props.put(StreamsConfig.PROCESSING_GUARANTEE_CONFIG, guarantee);
    props.put(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG, 100);
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    // a replaced thread's consumer does not leave the group: the new one's assignment waits for
    // the old member's session to end (the processor's default is 10 s; the broker's minimum, 6 s)
    props.put(ConsumerConfig.SESSION_TIMEOUT_MS_CONFIG, 6000);
    props.put(ConsumerConfig.HEARTBEAT_INTERVAL_MS_CONFIG, 1000);
    props.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, DecodeDeadLetterHandler.class);
    props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, ProcessingFailureHandler.class);
    props.put(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG, ProductionFailureHandler.class);
    props.putAll(DeadLetterWriter.properties(dlq, faultyMetrics, RecordLimits.KAFKA_DEFAULTS, new CarriedHeaders(List.of())));
    props.putAll(new RegistrySettings("mock://" + scope, null, Duration.ofSeconds(1), null).asProperties());
    AtomicInteger replaced = new AtomicInteger();
    StreamThreadFailures policy = new StreamThreadFailures(Duration.ZERO);
    try (KafkaStreams streams = new KafkaStreams(VerificationTopology.build(settings, registry, new AnswersAtOnce(),
        faultyMetrics, new ProcessingControl(Duration.ofMillis(100)), strikes), props)) {
      streams.setUncaughtExceptionHandler(error -> {
        var response = policy.handle(error);
        if (response == org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD) {
          replaced.incrementAndGet();
        }
        return response;
      });
      streams.start();

      AvroSerde<VerificationRequest> serde = AvroSerde.forValues(VerificationRequest.class, registry);
      try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
          ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()), new StringSerializer(), new ByteArraySerializer())) {
        // invalid (an ftp URL): its VALIDATION dead letter is what the faulty listener cannot count
        producer.send(new ProducerRecord<>(requests, "poison", serde.serialize(requests, credential("poison", "ftp://img.example/p.jpg")))).get();
        producer.send(new ProducerRecord<>(requests, "after", serde.serialize(requests, credential("after", "https://img.example/a.jpg")))).get();
      }

      List<SpecificRecord> events = readUntil(kafka, results, dlq, registry, 2);
      assertThat(events).hasSize(2);
      DeadLetter poison = (DeadLetter) events.stream().filter(e -> e instanceof DeadLetter).findFirst().orElseThrow();
      assertThat(poison.getStage()).isEqualTo(DeadLetterStage.INTERNAL);
      assertThat(poison.getErrorCode()).isEqualTo("POISON_RECORD");
      assertThat(poison.getBizId()).isEqualTo("poison");
      assertThat(poison.getTopic()).isEqualTo(requests);
      assertThat(events).filteredOn(e -> e instanceof VerificationResult).extracting(e -> ((VerificationResult) e).getBizId())
        .containsExactly("after");
      assertThat(errorsThrown).hasValue(MAX_FAILURES);
      assertThat(replaced).hasValue(MAX_FAILURES);
      assertThat(strikes.count(requests + "-0@" + poison.getOffset())).isEqualTo(MAX_FAILURES);
      assertThat(PoisonStrikes.inFile(stateDir.resolve(prefix).resolve("idv-poison-strikes"))
        .count(requests + "-0@" + poison.getOffset())).as("kept for a restart").isEqualTo(MAX_FAILURES);
      Awaitility.await().dontCatchUncaughtExceptions().atMost(Duration.ofSeconds(30)).until(() -> streams.state() == KafkaStreams.State.RUNNING);
    } finally {
      InProcessSchemaRegistry.drop(scope);
    }
  }

  private static VerificationRequest credential(String bizId, String url) {
    return VerificationRequest.newBuilder().setBizId(bizId).setRequestedAt(Instant.ofEpochMilli(1))
      .setCheck(CredentialCheck.newBuilder().setCredType("03").setCredName("0301")
        .setImage(Image.newBuilder().setUrl(url).build()).build())
      .build();
  }

  /** Every event on the two topics (read_committed) once {@code count} have arrived. */
  private static List<SpecificRecord> readUntil(KafkaBootstrap kafka, String results, String dlq, SchemaRegistryClient registry,
      int count) {
    AvroSerde<VerificationResult> resultSerde = AvroSerde.forValues(VerificationResult.class, registry);
    AvroSerde<DeadLetter> letterSerde = AvroSerde.forValues(DeadLetter.class, registry);
    List<SpecificRecord> events = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(Map.of(
        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers(),
        ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed",
        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest",
        ConsumerConfig.GROUP_ID_CONFIG, "reader-" + UUID.randomUUID()), new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(results, dlq));
      // the stream thread that the record stops dies by design: not a failure of the wait
      Awaitility.await().dontCatchUncaughtExceptions().atMost(Duration.ofSeconds(90)).until(() -> {
        for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          events.add(record.topic().equals(results) ? resultSerde.deserialize(results, record.value())
            : letterSerde.deserialize(dlq, record.value()));
        }
        return events.size() >= count;
      });
      // nothing more arrives: exactly one event per record
      Awaitility.await().dontCatchUncaughtExceptions().during(Duration.ofSeconds(2)).atMost(Duration.ofSeconds(5))
        .until(() -> consumer.poll(Duration.ofMillis(200)).isEmpty());
    }
    return events;
  }

  /** Answers every call PASS at once. */
  private static final class AnswersAtOnce implements CheckInvoker {
    @Override
    public Future<Settlement> invoke(VerificationRequest request, CancelScope scope) {
      return Future.succeededFuture(new Settlement.Answered(VerificationResult.newBuilder().setBizId(request.getBizId())
        .setCheckType(CheckType.CREDENTIAL).setOutcome(Outcome.PASS).setAttempts(1)
        .setRequestedAt(request.getRequestedAt()).setCompletedAt(Instant.now()).build(), Duration.ofMillis(1)));
    }

    @Override
    public boolean isHeld(Api api) {
      return false;
    }

    @Override
    public boolean hasCapacity(Api api) {
      return true;
    }

    @Override
    public boolean isBelowMax(Api api) {
      return true;
    }

    @Override
    public int inFlightBound(Api api) {
      return 10;
    }

    @Override
    public void recordServiceTime(Api api, Duration serviceTime) {
    }
  }
}
