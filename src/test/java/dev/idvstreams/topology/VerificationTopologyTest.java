package dev.idvstreams.topology;

import dev.idvstreams.headers.CarriedHeaders;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.junit.jupiter.api.Assertions.assertTimeout;

import dev.idvstreams.avro.CheckType;
import dev.idvstreams.avro.CredentialCheck;
import dev.idvstreams.avro.DeadLetter;
import dev.idvstreams.avro.DeadLetterStage;
import dev.idvstreams.avro.Image;
import dev.idvstreams.avro.MaterialCheck;
import dev.idvstreams.avro.Outcome;
import dev.idvstreams.avro.VerificationRequest;
import dev.idvstreams.avro.VerificationResult;
import dev.idvstreams.check.Checks;
import dev.idvstreams.check.Settlement;
import dev.idvstreams.serde.AvroSerde;
import dev.idvstreams.serde.InProcessSchemaRegistry;
import dev.idvstreams.serde.RegistrySettings;
import dev.idvstreams.serde.SchemaRegistries;
import dev.idvstreams.serde.SchemaRegistryClient;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import java.util.UUID;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.TestInputTopic;
import org.apache.kafka.streams.TestOutputTopic;
import org.apache.kafka.streams.TopologyTestDriver;
import org.apache.kafka.streams.test.TestRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The topology's decisions with TopologyTestDriver and calls the test answers; the real broker and API are in the ITs. */
class VerificationTopologyTest {

  private static final Duration TTL = Duration.ofHours(24);
  /** Small, so that requests over it are cheap to make. */
  private static final RecordLimits LIMITS = new RecordLimits(64 * 1024);
  private static final CarriedHeaders CARRIED = new CarriedHeaders(List.of("correlation-id"));

  private final String scope = "topology-test-" + UUID.randomUUID();
  private final SchemaRegistryClient registry = SchemaRegistries.forUrl("mock://" + scope, null, Duration.ofSeconds(1));
  private final ScriptedInvoker invoker = new ScriptedInvoker(4);
  private final List<SpecificRecord> published = new ArrayList<>();
  private int parked;
  private final TopologyListener listener = new TopologyListener() {
    @Override
    public void published(SpecificRecord value) {
      if (value instanceof DeadLetter letter && letter.getStage() == DeadLetterStage.VALIDATION
          && faults.containsKey(letter.getBizId())) {
        Throwable fault = faults.get(letter.getBizId());
        if (fault instanceof Error error) {
          throw error;
        }
        throw (RuntimeException) fault;
      }
      published.add(value);
    }

    @Override
    public void duplicateParked() {
      parked++;
    }

    @Override
    public void skipped(SkipReason reason) {
      skipped.add(reason);
    }
  };
  private final List<SkipReason> skipped = new ArrayList<>();
  /** What counting a VALIDATION dead letter of a bizId throws: a fault inside the topology, on the record's own path. */
  private final java.util.Map<String, Throwable> faults = new java.util.HashMap<>();
  private final PoisonStrikes strikes = PoisonStrikes.inMemory();
  /** A stream thread may block 20 ms between two loops at the bound. */
  private ProcessingControl control = new ProcessingControl(Duration.ofMillis(20));
  private TopologyTestDriver driver;
  private TestInputTopic<String, VerificationRequest> requests;
  private TestInputTopic<String, byte[]> rawRequests;
  private TestOutputTopic<String, VerificationResult> results;
  private TestOutputTopic<String, DeadLetter> deadLetters;

  @BeforeEach
  void start() throws Exception {
    start(false);
  }

  private void start(boolean keyedByBizId) throws Exception {
    VerificationTopology.Settings settings = new VerificationTopology.Settings("idv.requests", keyedByBizId,
      "idv.results", "idv.dlq", TTL, Duration.ofMinutes(1), Duration.ofMillis(20), 900 * 1024, EventDelivery.IN_TRANSACTION, LIMITS.maxRequestBytes(), 3,
      CARRIED);
    Properties props = new Properties();
    props.put(StreamsConfig.APPLICATION_ID_CONFIG, "test");
    props.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:1");
    props.put(StreamsConfig.STATE_DIR_CONFIG, Files.createTempDirectory("ttd-").toString());
    props.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, DecodeDeadLetterHandler.class);
    props.put(StreamsConfig.PROCESSING_EXCEPTION_HANDLER_CLASS_CONFIG, ProcessingFailureHandler.class);
    props.put(StreamsConfig.PRODUCTION_EXCEPTION_HANDLER_CLASS_CONFIG, ProductionFailureHandler.class);
    props.putAll(DeadLetterWriter.properties("idv.dlq", listener, LIMITS, CARRIED));
    props.putAll(new RegistrySettings("mock://" + scope, null, Duration.ofSeconds(1), null).asProperties());
    driver = new TopologyTestDriver(VerificationTopology.build(settings, registry, invoker, listener, control, strikes), props, Instant.parse("2026-11-25T00:00:00Z"));
    AvroSerde<VerificationRequest> requestSerde = AvroSerde.forValues(VerificationRequest.class, registry);
    requests = driver.createInputTopic("idv.requests", new StringSerializer(), requestSerde.serializer());
    rawRequests = driver.createInputTopic("idv.requests", new StringSerializer(), new ByteArraySerializer());
    results = driver.createOutputTopic("idv.results", new StringDeserializer(),
      AvroSerde.forValues(VerificationResult.class, registry).deserializer());
    deadLetters = driver.createOutputTopic("idv.dlq", new StringDeserializer(),
      AvroSerde.forValues(DeadLetter.class, registry).deserializer());
  }

  @AfterEach
  void stop() {
    driver.close();
    InProcessSchemaRegistry.drop(scope);
  }

  private static VerificationRequest credential(String bizId, String credName) {
    return VerificationRequest.newBuilder().setBizId(bizId).setRequestedAt(Instant.ofEpochMilli(1))
      .setCheck(CredentialCheck.newBuilder().setCredType("03").setCredName(credName)
        .setImage(Image.newBuilder().setUrl("https://img.example/" + bizId + ".jpg").build()).build())
      .build();
  }

  private static VerificationRequest material(String bizId, String faceUrl) {
    return VerificationRequest.newBuilder().setBizId(bizId).setRequestedAt(Instant.ofEpochMilli(1))
      .setCheck(MaterialCheck.newBuilder().setBizType("RPMinTest").setName("张三").setIdCardNumber("023432189011231236")
        .setFaceImage(Image.newBuilder().setUrl(faceUrl).build()).build())
      .build();
  }

  private static Settlement answered(VerificationRequest request, Outcome outcome) {
    return new Settlement.Answered(VerificationResult.newBuilder().setBizId(request.getBizId())
      .setCheckType(Checks.apiOf(request).checkType()).setOutcome(outcome).setAttempts(1)
      .setRequestedAt(request.getRequestedAt()).setCompletedAt(Instant.ofEpochMilli(2)).build(), Duration.ofMillis(5));
  }

  /** Lets the completion punctuator run. */
  private void tick() {
    driver.advanceWallClockTime(Duration.ofMillis(50));
  }

  private static String header(TestRecord<String, ?> record, String key) {
    Header header = record.headers().lastHeader(key);
    return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
  }

  @Test
  void shouldPublishTheResultOfANewRequest() {
    VerificationRequest request = credential("b-1", "0301");
    requests.pipeInput("b-1", request);
    assertThat(invoker.calls).containsExactly(request);
    assertThat(results.isEmpty()).isTrue();
    invoker.answer("b-1", answered(request, Outcome.PASS));
    tick();
    VerificationResult result = results.readValue();
    assertThat(result.getOutcome()).isEqualTo(Outcome.PASS);
    assertThat(result.getReplayed()).isFalse();
    assertThat(deadLetters.isEmpty()).isTrue();
    assertThat(published).containsExactly(result);
  }

  @Test
  void shouldAnswerAnExactDuplicateFromTheStoreWithoutACall() {
    VerificationRequest request = credential("b-1", "0301");
    requests.pipeInput("b-1", request);
    invoker.answer("b-1", answered(request, Outcome.FAIL));
    tick();
    VerificationResult original = results.readValue();

    requests.pipeInput("b-1", request);
    VerificationResult replayed = results.readValue();
    assertThat(invoker.calls).hasSize(1);
    assertThat(replayed.getReplayed()).isTrue();
    assertThat(VerificationResult.newBuilder(replayed).setReplayed(false).build()).isEqualTo(original);
  }

  @Test
  void shouldParkDuplicateWhileFirstInFlight() {
    VerificationRequest request = credential("b-1", "0301");
    requests.pipeInput("b-1", request);
    requests.pipeInput("b-1", request);
    requests.pipeInput("b-1", request);
    tick();
    assertThat(results.isEmpty()).isTrue();
    assertThat(parked).isEqualTo(2);
    invoker.answer("b-1", answered(request, Outcome.PASS));
    tick();
    assertThat(results.readValuesToList()).extracting(VerificationResult::getReplayed).containsExactly(false, true, true);
    assertThat(invoker.calls).hasSize(1);
  }

  @Test
  void shouldDeadLetterTheSameBizIdWithDifferentContent() {
    requests.pipeInput("b-1", credential("b-1", "0301"));
    requests.pipeInput("b-1", credential("b-1", "0302"));
    TestRecord<String, DeadLetter> letter = deadLetters.readRecord();
    assertThat(letter.key()).isEqualTo("b-1");
    assertThat(letter.value().getStage()).isEqualTo(DeadLetterStage.DEDUP_CONFLICT);
    assertThat(letter.value().getRequest().getCheck()).isEqualTo(credential("b-1", "0302").getCheck());
    assertThat(letter.value().getOffset()).isEqualTo(1L);
    assertThat(header(letter, DeadLetterHeaders.STAGE)).isEqualTo("DEDUP_CONFLICT");
    assertThat(header(letter, DeadLetterHeaders.CODE)).isEqualTo("DEDUP_CONFLICT");
    assertThat(header(letter, DeadLetterHeaders.OFFSET)).isEqualTo("1");
    // every record reaches the verify task through the repartition topic: its position is there
    assertThat(header(letter, DeadLetterHeaders.TOPIC)).isEqualTo("test-by-bizid-repartition");
    assertThat(invoker.calls).hasSize(1);
  }

  @Test
  void shouldCallAgainForAVerifyMaterialResubmissionAfterANonPass() {
    VerificationRequest first = material("m-1", "https://img.example/a.jpg");
    requests.pipeInput("m-1", first);
    invoker.answer("m-1", answered(first, Outcome.FAIL));
    tick();
    VerificationRequest second = material("m-1", "https://img.example/b.jpg");
    requests.pipeInput("m-1", second);
    assertThat(invoker.calls).containsExactly(first, second);
    invoker.answer("m-1", answered(second, Outcome.PASS));
    tick();
    assertThat(results.readValuesToList()).extracting(VerificationResult::getOutcome).containsExactly(Outcome.FAIL, Outcome.PASS);

    // after a PASS the task is finished: different content is a conflict again
    requests.pipeInput("m-1", material("m-1", "https://img.example/c.jpg"));
    assertThat(deadLetters.readValue().getStage()).isEqualTo(DeadLetterStage.DEDUP_CONFLICT);
    assertThat(invoker.calls).hasSize(2);
  }

  @Test
  void shouldDeadLetterAnInvalidRequestWithoutACall() {
    VerificationRequest tooLong = credential("x".repeat(65), "0301");
    requests.pipeInput(tooLong.getBizId(), tooLong);
    TestRecord<String, DeadLetter> letter = deadLetters.readRecord();
    assertThat(letter.value().getStage()).isEqualTo(DeadLetterStage.VALIDATION);
    assertThat(letter.value().getErrorCode()).isEqualTo("INVALID_BIZ_ID");
    assertThat(letter.value().getErrorMessage()).contains("65 characters, at most 64");
    assertThat(header(letter, DeadLetterHeaders.EXCEPTION)).isEqualTo(RequestValidator.class.getName());
    assertThat(invoker.calls).isEmpty();
  }

  private static TestRecord<String, VerificationRequest> withHeaders(VerificationRequest request, String... keyValues) {
    RecordHeaders headers = new RecordHeaders();
    for (int i = 0; i < keyValues.length; i += 2) {
      headers.add(keyValues[i], keyValues[i + 1].getBytes(StandardCharsets.UTF_8));
    }
    return new TestRecord<>(request.getBizId(), request, headers, Instant.parse("2026-11-25T00:00:00Z"));
  }

  @Test
  void shouldCarryTheTraceContextAndConfiguredHeadersToTheResultAndDropTheRest() {
    VerificationRequest request = credential("h-1", "0301");
    requests.pipeInput(withHeaders(request, "traceparent", "00-aaaa-01", "TraceState", "k=v", "correlation-id", "c-1",
        "x-internal", "dropped"));
    invoker.answer("h-1", answered(request, Outcome.PASS));
    tick();
    TestRecord<String, VerificationResult> result = results.readRecord();
    assertThat(header(result, "traceparent")).isEqualTo("00-aaaa-01");
    assertThat(header(result, "TraceState")).as("names match whatever their case, and keep it").isEqualTo("k=v");
    assertThat(header(result, "correlation-id")).isEqualTo("c-1");
    assertThat(header(result, "x-internal")).as("a header not carried").isNull();
  }

  @Test
  void shouldAnswerEachDuplicateWithItsOwnHeaders() {
    VerificationRequest request = credential("h-2", "0301");
    requests.pipeInput(withHeaders(request, "traceparent", "first"));
    requests.pipeInput(withHeaders(request, "traceparent", "parked")); // while the call is in flight
    invoker.answer("h-2", answered(request, Outcome.PASS));
    tick();
    requests.pipeInput(withHeaders(request, "traceparent", "after")); // replayed from the store
    List<TestRecord<String, VerificationResult>> out = results.readRecordsToList();
    assertThat(out).extracting(r -> r.value().getReplayed()).containsExactly(false, true, true);
    assertThat(out).extracting(r -> header(r, "traceparent")).containsExactly("first", "parked", "after");
  }

  @Test
  void shouldCarryHeadersToDeadLettersAfterTheirOwn() {
    VerificationRequest request = credential("h-3", "0301");
    requests.pipeInput(withHeaders(request, "traceparent", "t-call"));
    requests.pipeInput(withHeaders(request, "traceparent", "t-parked"));
    requests.pipeInput(withHeaders(credential("h-3", "0302"), "traceparent", "t-conflict")); // while in flight
    invoker.answer("h-3", new Settlement.Failed("InternalError", "CredentialVerifyIntl answered InternalError", 500, 5,
        Duration.ofSeconds(1)));
    tick();
    VerificationRequest invalid = credential("h".repeat(65), "0301");
    requests.pipeInput(withHeaders(invalid, "traceparent", "t-invalid"));
    List<TestRecord<String, DeadLetter>> letters = deadLetters.readRecordsToList();
    assertThat(letters).extracting(l -> header(l, "traceparent"))
        .containsExactly("t-conflict", "t-call", "t-parked", "t-invalid");
    assertThat(letters).allSatisfy(l -> assertThat(header(l, DeadLetterHeaders.STAGE)).isNotNull());
  }

  @Test
  void shouldDeadLetterAProviderFailureAndCallAgainWhenReplayed() {
    VerificationRequest request = credential("b-1", "0301");
    requests.pipeInput("b-1", request);
    requests.pipeInput("b-1", request); // parked: gets its own dead letter
    invoker.answer("b-1", new Settlement.Failed("InternalError", "CredentialVerifyIntl answered InternalError", 500, 5, Duration.ofSeconds(1)));
    tick();
    var letters = deadLetters.readRecordsToList();
    assertThat(letters).hasSize(2);
    assertThat(letters.get(0).value().getStage()).isEqualTo(DeadLetterStage.PROVIDER);
    assertThat(letters.get(0).value().getAttempts()).isEqualTo(5);
    assertThat(letters.get(0).value().getHttpStatus()).isEqualTo(500);
    assertThat(letters.get(0).value().getRequest()).isEqualTo(request);
    assertThat(letters).extracting(l -> l.value().getOffset()).containsExactly(0L, 1L);

    requests.pipeInput("b-1", request); // what `dlq replay` does
    assertThat(invoker.calls).hasSize(2);
  }

  @Test
  void shouldForgetEntriesAfterTheTtl() {
    VerificationRequest request = credential("b-1", "0301");
    requests.pipeInput("b-1", request);
    invoker.answer("b-1", answered(request, Outcome.PASS));
    tick();
    driver.advanceWallClockTime(TTL.plusMinutes(2)); // the purge's sweep starts
    tick(); // and takes its first step
    requests.pipeInput("b-1", request);
    assertThat(invoker.calls).hasSize(2);
  }

  @Test
  void shouldSendEveryRecordThroughTheRepartitionTopicByDefault() {
    VerificationRequest request = credential("b-8", "0301");
    requests.pipeInput("b-8", request);

    assertThat(invoker.calls).hasSize(1);
    invoker.answer("b-8", answered(request, Outcome.PASS));
    tick();
    assertThat(results.readValuesToList()).hasSize(1);
    // the record that started the call is the repartition topic's, even though its key was the bizId
    assertThat(driver.getKeyValueStore(VerificationTopology.DEDUP_STORE).get("b-8")).isNotNull();
    assertThat(((dev.idvstreams.avro.DedupEntry) driver.getKeyValueStore(VerificationTopology.DEDUP_STORE).get("b-8"))
      .getSourceTopic()).endsWith("by-bizid-repartition");
  }

  @Test
  void shouldCancelTheCallsOfATaskWhenItCloses() throws Exception {
    requests.pipeInput("b-9", credential("b-9", "0301"));
    assertThat(invoker.scopes).hasSize(1);
    assertThat(invoker.scopes.get(0).isCancelled()).isFalse();

    driver.close();

    assertThat(invoker.scopes.get(0).isCancelled()).as("the closed task's call is cancelled").isTrue();
    assertThat(control.callsInFlight()).isZero();
    start(); // for stop()
  }

  @Test
  void shouldStartNoCallWhileDrainingAndLeaveTheRequestInFlightForTheNextOwner() {
    control.startDraining();

    requests.pipeInput("b-10", credential("b-10", "0301"));
    tick();

    assertThat(invoker.calls).isEmpty();
    assertThat(((dev.idvstreams.avro.DedupEntry) driver.getKeyValueStore(VerificationTopology.DEDUP_STORE).get("b-10"))
      .getStatus()).isEqualTo(dev.idvstreams.avro.DedupStatus.IN_FLIGHT);
  }

  @Test
  void shouldForwardTheResultsOfCallsInFlightWhileDraining() {
    VerificationRequest request = credential("b-11", "0301");
    requests.pipeInput("b-11", request);
    assertThat(control.callsInFlight()).isEqualTo(1);
    control.startDraining();

    invoker.answer("b-11", answered(request, Outcome.PASS));
    tick();

    assertThat(results.readValuesToList()).hasSize(1);
    assertThat(control.callsInFlight()).isZero();
  }

  @Test
  void shouldReKeyRecordsWhoseKeyIsNotTheBizId() {
    VerificationRequest request = credential("b-7", "0301");
    requests.pipeInput("some-other-key", request);
    requests.pipeInput(null, request);
    invoker.answer("b-7", answered(request, Outcome.PASS));
    tick();
    var out = results.readRecordsToList();
    assertThat(out).extracting(TestRecord::key).containsOnly("b-7");
    assertThat(out).extracting(r -> r.value().getReplayed()).containsExactly(false, true);
    assertThat(invoker.calls).hasSize(1);
  }

  @Test
  void shouldDeadLetterUnreadableBytesAndGoOn() {
    rawRequests.pipeInput("k", "not avro at all".getBytes(StandardCharsets.UTF_8));
    VerificationRequest request = credential("b-1", "0301");
    requests.pipeInput("b-1", request);
    TestRecord<String, DeadLetter> letter = deadLetters.readRecord();
    assertThat(letter.key()).isNull();
    assertThat(letter.value().getStage()).isEqualTo(DeadLetterStage.DECODE);
    assertThat(letter.value().getErrorCode()).isEqualTo("UNKNOWN_MAGIC_BYTE");
    assertThat(letter.value().getRawValue().array()).isEqualTo("not avro at all".getBytes(StandardCharsets.UTF_8));
    assertThat(header(letter, DeadLetterHeaders.STAGE)).isEqualTo("DECODE");
    assertThat(header(letter, DeadLetterHeaders.PARTITION)).isEqualTo("0");
    assertThat(invoker.calls).containsExactly(request);
    assertThat(published).as("told to the listener, which the metrics count")
      .anySatisfy(value -> assertThat(value).isInstanceOfSatisfying(DeadLetter.class,
        told -> assertThat(told.getStage()).isEqualTo(DeadLetterStage.DECODE)));
  }

  @Test
  void shouldLeaveRequestsWaitingInTheStoreWhenTheBoundStaysFull() {
    for (int i = 0; i < 5; i++) {
      requests.pipeInput("b-" + i, credential("b-" + i, "0301"));
    }
    // bound 4: the fifth waits in the store (process gave up waiting for a slot) and goes once one frees
    assertThat(invoker.calls).hasSize(4);
    invoker.answer("b-0", answered(credential("b-0", "0301"), Outcome.PASS));
    tick();
    assertThat(invoker.calls).hasSize(5);
    assertThat(invoker.isOpen("b-4")).isTrue();
    assertThat(results.readValue().getCheckType()).isEqualTo(CheckType.CREDENTIAL);
  }

  @Test
  void shouldTellARecordReadAgainFromADuplicateAtTheSameOffsetOfTheOtherInputTopic() throws Exception {
    driver.close();
    start(true); // records keyed by bizId are read from idv.requests, the others from the repartition topic
    // offset 0 of idv.requests, read directly
    requests.pipeInput("b-1", credential("b-1", "0301"));
    // offset 1 of idv.requests, re-keyed: offset 0 of the repartition topic, the same partition and offset as the first
    requests.pipeInput("upstream-key", credential("b-1", "0302"));
    TestRecord<String, DeadLetter> letter = deadLetters.readRecord();
    assertThat(letter.value().getStage()).isEqualTo(DeadLetterStage.DEDUP_CONFLICT);
    assertThat(letter.value().getTopic()).endsWith("by-bizid-repartition");
    assertThat(invoker.calls).hasSize(1);
  }

  @Test
  void shouldKeepEachApisWaitingRequestsApart() {
    // bound 4 for every API: credential requests fill theirs and one waits ...
    for (int i = 0; i < 5; i++) {
      requests.pipeInput("c-" + i, credential("c-" + i, "0301"));
    }
    // ... which does not keep a material request from its own free slots
    VerificationRequest material = material("m-1", "https://img.example/m.jpg");
    requests.pipeInput("m-1", material);
    tick();
    assertThat(invoker.isOpen("m-1")).isTrue();
    assertThat(invoker.isOpen("c-4")).isFalse();
  }

  @Test
  void shouldKeepNamesAndIdNumbersOutOfLogsAndDeadLetterHeaders() {
    ch.qos.logback.classic.Logger root =
        (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    ch.qos.logback.classic.Level before = root.getLevel();
    ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> captured =
        new ch.qos.logback.core.read.ListAppender<>();
    captured.start();
    root.addAppender(captured);
    root.setLevel(ch.qos.logback.classic.Level.DEBUG);
    java.util.List<String> texts = new java.util.ArrayList<>();
    try {
      VerificationRequest first = material("p-1", "https://img.example/a.jpg");
      requests.pipeInput("p-1", first);
      requests.pipeInput("p-1", first); // parked
      requests.pipeInput("p-1", material("p-1", "https://img.example/other.jpg")); // conflict while in flight
      invoker.answer("p-1", answered(first, Outcome.FAIL));
      tick();
      requests.pipeInput("p-1", material("p-1", "https://img.example/b.jpg")); // resubmission after FAIL
      invoker.answer("p-1", new Settlement.Failed("InternalError", "VerifyMaterial answered InternalError", 500, 3,
          Duration.ofMillis(5)));
      tick();
      VerificationRequest invalid = material("p-2", "ftp://img.example/a.jpg");
      requests.pipeInput("p-2", invalid);
      rawRequests.pipeInput("p-3", "张三 023432189011231236".getBytes(StandardCharsets.UTF_8)); // unreadable, personal data inside
      for (TestRecord<String, DeadLetter> letter : deadLetters.readRecordsToList()) {
        texts.add(letter.value().getErrorMessage());
        letter.headers().forEach(h -> texts.add(h.value() == null ? "" : new String(h.value(), StandardCharsets.UTF_8)));
      }
    } finally {
      root.detachAppender(captured);
      root.setLevel(before);
    }
    captured.list.forEach(event -> {
      texts.add(event.getFormattedMessage());
      for (ch.qos.logback.classic.spi.IThrowableProxy t = event.getThrowableProxy(); t != null; t = t.getCause()) {
        texts.add(String.valueOf(t.getMessage()));
      }
    });
    assertThat(texts).hasSizeGreaterThan(10);
    assertThat(texts).noneMatch(text -> text.contains("张三") || text.contains("023432189011231236"));
  }

  @Test
  void shouldSkipAndCountATombstoneAndGoOn() {
    requests.pipeInput("t-1", (VerificationRequest) null);
    VerificationRequest next = credential("c-1", "0301");
    requests.pipeInput("c-1", next);
    invoker.answer("c-1", answered(next, Outcome.PASS));
    tick();

    assertThat(skipped).containsExactly(SkipReason.TOMBSTONE);
    assertThat(deadLetters.isEmpty()).isTrue();
    assertThat(results.readValuesToList()).extracting(VerificationResult::getBizId).containsExactly("c-1");
  }

  @Test
  void shouldDeadLetterAnAvroLengthBombWithoutAllocatingIt() {
    int id = registry.register("idv.requests-value", VerificationRequest.getClassSchema());
    // the Confluent header, then a bizId whose declared length is 2^30: zig-zag varint of 2^31
    byte[] bomb = {0, (byte) (id >>> 24), (byte) (id >>> 16), (byte) (id >>> 8), (byte) id,
      (byte) 0x80, (byte) 0x80, (byte) 0x80, (byte) 0x80, 0x08};
    rawRequests.pipeInput("x", bomb);

    DeadLetter letter = deadLetters.readValue();
    assertThat(letter.getStage()).isEqualTo(DeadLetterStage.DECODE);
    assertThat(letter.getErrorCode()).isEqualTo("CORRUPT_PAYLOAD");
    assertThat(letter.getErrorMessage()).contains("declared string length of 1073741824 exceeds the 0 bytes left");
  }

  @Test
  void shouldDeadLetterARecordOfAForeignSchemaAsIncompatible() throws Exception {
    org.apache.avro.Schema foreign = new org.apache.avro.Schema.Parser().parse(
        "{\"type\":\"record\",\"name\":\"Other\",\"fields\":[{\"name\":\"x\",\"type\":\"int\"}]}");
    int id = registry.register("other-value", foreign);
    rawRequests.pipeInput("x", new byte[] {0, (byte) (id >>> 24), (byte) (id >>> 16), (byte) (id >>> 8), (byte) id, 2});

    DeadLetter letter = deadLetters.readValue();
    assertThat(letter.getErrorCode()).isEqualTo("INCOMPATIBLE_SCHEMA");
    assertThat(letter.getRawValue()).isNotNull();
  }

  @Test
  void shouldDeadLetterARequestTooLargeToCarryWithAnExcerptAndABoundedKey() {
    VerificationRequest large = VerificationRequest.newBuilder(credential("c-big", "0301"))
      .setBizId("b".repeat(70_000)).build(); // over LIMITS, whatever else is wrong with it
    requests.pipeInput("any", large);

    TestRecord<String, DeadLetter> letter = deadLetters.readRecord();
    assertThat(letter.value().getStage()).isEqualTo(DeadLetterStage.VALIDATION);
    assertThat(letter.value().getErrorCode()).isEqualTo("REQUEST_TOO_LARGE");
    assertThat(letter.value().getRequest()).isNull();
    assertThat(letter.value().getRawValue().remaining()).isEqualTo(AdmitProcessor.EXCERPT_BYTES);
    assertThat(letter.value().getTopic()).isEqualTo("idv.requests");
    assertThat(letter.key()).hasSize(64 + 1 + 16).startsWith("b".repeat(64) + "#").isEqualTo(letter.value().getBizId());
    assertThat(invoker.calls).isEmpty();
  }

  @Test
  void shouldDeadLetterAnOverlongBizIdUnderABoundedKeyBeforeTheRekey() {
    String bizId = "x".repeat(65);
    requests.pipeInput("k", credential(bizId, "0301"));

    TestRecord<String, DeadLetter> letter = deadLetters.readRecord();
    assertThat(letter.value().getErrorCode()).isEqualTo("INVALID_BIZ_ID");
    assertThat(letter.key()).isEqualTo(BizIds.bounded(bizId)).hasSize(81);
    assertThat(letter.value().getRequest().getBizId()).isEqualTo(bizId);
    assertThat(letter.value().getTopic()).isEqualTo("idv.requests");
  }

  @Test
  void shouldDeadLetterAnExceptionInsideTheTopologyAndGoOn() {
    VerificationRequest failing = material("m-fail", "ftp://img.example/a.jpg"); // invalid: a VALIDATION letter
    faults.put("m-fail", new IllegalStateException("bug"));
    requests.pipeInput("m-fail", failing);
    VerificationRequest next = credential("c-2", "0301");
    requests.pipeInput("c-2", next);
    invoker.answer("c-2", answered(next, Outcome.PASS));
    tick();

    DeadLetter letter = deadLetters.readValue();
    assertThat(letter.getStage()).isEqualTo(DeadLetterStage.INTERNAL);
    assertThat(letter.getErrorCode()).isEqualTo("PROCESSING_FAILED");
    assertThat(letter.getErrorMessage()).contains("IllegalStateException").doesNotContain("bug");
    assertThat(letter.getRequest()).isEqualTo(failing);
    assertThat(letter.getTopic()).isEqualTo("idv.requests");
    assertThat(deadLetters.isEmpty()).isTrue();
    assertThat(results.readValuesToList()).extracting(VerificationResult::getBizId).containsExactly("c-2");
  }

  @Test
  void shouldEndACallThatCannotStartAsAFailedCall() {
    invoker.failWith("c-fail", new OutOfMemoryError("test"));
    requests.pipeInput("c-fail", credential("c-fail", "0301"));
    tick();

    DeadLetter letter = deadLetters.readValue();
    assertThat(letter.getStage()).isEqualTo(DeadLetterStage.PROVIDER);
    assertThat(letter.getErrorCode()).isEqualTo("INTERNAL_ERROR");
    assertThat(letter.getErrorMessage()).contains("OutOfMemoryError");
  }

  @Test
  void shouldCountAnErrorAgainstItsRecordAndDeadLetterItOnceItStoppedTheThreadTooOften() throws Exception {
    faults.put("m-oom", new OutOfMemoryError("test"));
    VerificationRequest poison = material("m-oom", "ftp://img.example/a.jpg");
    Throwable stopped = catchThrowable(() -> requests.pipeInput("m-oom", poison));
    PoisonRecordException counted = PoisonRecordException.in(stopped);
    assertThat(counted).isNotNull();
    String position = counted.position();
    assertThat(position).isEqualTo("idv.requests-0@0");
    assertThat(strikes.count(position)).isEqualTo(1);
    assertThat(counted.getMessage()).contains("1 of 3").doesNotContain("m-oom");

    // the same record, read again by the replaced thread, once it has stopped it three times
    strikes.strike(position);
    strikes.strike(position);
    driver.close();
    start(false); // a new life, as a replaced thread or a restarted instance, with the same strikes
    requests.pipeInput("m-oom", poison);
    DeadLetter letter = deadLetters.readValue();
    assertThat(letter.getStage()).isEqualTo(DeadLetterStage.INTERNAL);
    assertThat(letter.getErrorCode()).isEqualTo("POISON_RECORD");
    assertThat(letter.getBizId()).isEqualTo("m-oom");
    assertThat(letter.getRequest()).isNull();
  }

  @Test
  void shouldNeverHoldAnotherApisRequestBehindAnApiWithoutRoom() throws Exception {
    driver.close();
    control = new ProcessingControl(Duration.ofSeconds(10)); // a budget the old code would have spent waiting
    start(false);
    for (int i = 0; i < 4; i++) {
      requests.pipeInput("c-" + i, credential("c-" + i, "0301")); // the credential API's bound: 4
    }
    // before, this record held the thread until a credential call ended or the budget ran out
    assertTimeout(Duration.ofSeconds(5), () -> requests.pipeInput("c-4", credential("c-4", "0301")));
    assertTimeout(Duration.ofSeconds(5), () -> requests.pipeInput("m-1", material("m-1", "https://img.example/m.jpg")));

    assertThat(invoker.isOpen("m-1")).isTrue();
    assertThat(invoker.isOpen("c-4")).isFalse();
    assertThat(control.backlog().requests()).isEqualTo(1);
  }
}
