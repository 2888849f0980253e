package dev.idvstreams.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.idvstreams.avro.VerificationRequest;
import dev.idvstreams.demo.DemoBatch;
import dev.idvstreams.embedded.KafkaBootstrap;
import dev.idvstreams.embedded.SecuredKafka;
import dev.idvstreams.jsonl.RequestJson;
import dev.idvstreams.kafka.AclPlan;
import dev.idvstreams.kafka.KafkaAccessException;
import dev.idvstreams.kafka.ScramCredentialsFile;
import dev.idvstreams.runtime.ProcessorRuntime;
import dev.idvstreams.config.IdvConfig;
import dev.idvstreams.serde.ApicurioRegistry;
import dev.idvstreams.simulator.SimulatorOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ScramCredentialInfo;
import org.apache.kafka.clients.admin.ScramMechanism;
import org.apache.kafka.clients.admin.UserScramCredentialUpsertion;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.acl.AclOperation;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.awaitility.Awaitility;
import org.apache.kafka.common.resource.ResourceType;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import org.apache.kafka.streams.KafkaStreams;
import org.slf4j.LoggerFactory;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Kafka as a bank runs it: a SASL_SSL listener (TLS with a certificate of a CA made at test time,
 * SCRAM-SHA-512 users), ACLs enforced ({@link SecuredKafka}, one broker for every test here). The
 * processor runs as its own principal with exactly the ACLs of {@link AclPlan} (the list
 * docs/security.md shows); the operator commands run as the operator's. Everything is configured
 * through {@code kafka.}-prefixed keys, or {@code IDV_KAFKA_*} variables for {@code produce}. A
 * wrong password, an unknown user, an untrusted certificate and each missing ACL stop the start
 * with the cause named.
 */
class SecureKafkaIT {

  private static final String PROCESSOR_PRINCIPAL = "User:" + SecuredKafka.PROCESSOR;

  @TempDir
  Path dir;

  @Test
  void shouldRunTheProcessorAndEveryCommandOverSaslSslWithTheDocumentedAcls() throws Exception {
    SecuredKafka kafka = SecuredKafka.shared();
    KafkaBootstrap operator = kafka.as(SecuredKafka.ADMIN);
    try (ApicurioRegistry registry = ApicurioRegistry.shared();
        PipelineHarness it = new PipelineHarness(operator, SimulatorOptions.builder(), registry.ccompatUrl(),
            kafka.as(SecuredKafka.PROCESSOR).idvConfig())) {
      Map<String, String> processorConfig = it.config();
      grant(processorNeeds(it));

      // topics create, as the operator, through kafka.* keys
      Map<String, String> operatorConfig = new HashMap<>(processorConfig);
      operatorConfig.putAll(operator.idvConfig());
      Map<String, String> extra = new HashMap<>(operatorConfig);
      extra.put("topic.requests", it.prefix + ".extra.requests");
      extra.put("topic.results", it.prefix + ".extra.results");
      extra.put("topic.dlq", it.prefix + ".extra.dlq");
      extra.put("topic.replication.factor", "1");
      Cli topics = cli(extra, "topics", "create");
      assertThat(topics.code).as(topics.err).isZero();
      assertThat(topics.out).contains("created " + it.prefix + ".extra.requests", "created " + it.prefix + ".extra.dlq");

      // at DEBUG, Kafka's clients included: the SASL password must not show even there
      try (ProcessorProcess processor = ProcessorProcess.start("secured", processorConfig,
          List.of("-DLOG_LEVEL=DEBUG", "-DKAFKA_LOG_LEVEL=DEBUG"))) {
        // produce, in a JVM of its own, its Kafka security given only as IDV_KAFKA_* variables
        List<VerificationRequest> requests = List.of(DemoBatch.credential("sec-c-1", "clean"),
            DemoBatch.material("sec-m-1", "sim-status-1"), DemoBatch.face("sec-f-1", "ok"));
        List<String> lines = new ArrayList<>();
        requests.forEach(request -> lines.add(RequestJson.toJson(request).toString()));
        lines.add(RequestJson.toJson(DemoBatch.credential("sec-" + "x".repeat(70), "clean")).toString()); // too long: VALIDATION
        Path file = Files.writeString(dir.resolve("requests.jsonl"), String.join("\n", lines) + "\n");
        Map<String, String> plain = new HashMap<>(processorConfig);
        plain.keySet().removeIf(key -> key.startsWith("kafka."));
        Map<String, String> env = new HashMap<>();
        operator.security().forEach((key, value) -> env.put("IDV_KAFKA_" + key.toUpperCase(Locale.ROOT).replace('.', '_'), value));
        JarRun produce = jar(plain, env, "produce", "--file", file.toString());
        assertThat(produce.code).as(produce.output).isZero();
        assertThat(produce.output).contains("sent 4 request(s)");

        PipelineHarness.Events events = it.awaitEvents(4, Duration.ofSeconds(90));
        assertThat(events.results()).hasSize(3);
        assertThat(events.deadLetters()).singleElement().satisfies(letter ->
            assertThat(letter.value().getErrorCode()).isEqualTo("INVALID_BIZ_ID"));
        assertThat(processor.isAlive()).isTrue();

        // consume, dlq replay and control, as the operator, through kafka.* keys
        Cli consume = cli(operatorConfig, "consume", "--topic", it.resultsTopic, "--from-beginning", "--max", "3",
            "--timeout-ms", "30000");
        assertThat(consume.code).as(consume.err).isZero();
        assertThat(consume.out).contains("sec-c-1", "sec-m-1", "sec-f-1");
        Cli replay = cli(operatorConfig, "dlq", "replay", "--timeout-ms", "3000");
        assertThat(replay.out).as(replay.err).contains("replayed: 1");
        assertThat(it.awaitEvents(5, Duration.ofSeconds(60)).deadLetters()).as("the replayed request's dead letter").hasSize(2);
        Cli pause = cli(operatorConfig, "control", "pause", "--api", "VerifyMaterial");
        assertThat(pause.code).as(pause.err).isZero();
        assertThat(cli(operatorConfig, "control", "show").out).contains("VerifyMaterial         yes");
        assertThat(processor.isAlive()).isTrue();
        assertThat(processor.log()).contains("Kafka ACLs: the principal holds every ACL the processor needs")
            .contains(" DEBUG ").contains("SaslClientAuthenticator")
            .doesNotContain(kafka.password(SecuredKafka.PROCESSOR)).doesNotContain(kafka.password(SecuredKafka.ADMIN));
      }
    }
  }

  @Test
  void shouldFailAtStartNamingAWrongPasswordAnUnknownUserOrAnUntrustedCertificate() throws Exception {
    SecuredKafka kafka = SecuredKafka.shared();
    Path trusted = kafka.certificates().trustStore();
    List<Wrong> wrongs = List.of(
        new Wrong("a wrong password", kafka.as(SecuredKafka.PROCESSOR, "not-the-password", trusted), "refused the SASL credentials"),
        new Wrong("an unknown user", kafka.as("nobody", "not-the-password", trusted), "refused the SASL credentials"),
        new Wrong("an untrusted certificate", kafka.as(SecuredKafka.PROCESSOR, kafka.password(SecuredKafka.PROCESSOR),
            kafka.untrustedStore()), "TLS handshake"));
    Path requests = Files.writeString(dir.resolve("one.jsonl"),
        RequestJson.toJson(DemoBatch.credential("sec-wrong-1", "clean")) + "\n");
    for (Wrong wrong : wrongs) {
      Map<String, String> config = new HashMap<>(wrong.kafka().idvConfig());
      config.put("application.id", "secured-wrong");
      config.put("schema.registry.url", "mock://secured-wrong");
      config.put("aliyun.endpoint-override", "http://127.0.0.1:9");
      config.put("http.port", "-1");
      for (String[] command : List.of(new String[] {"run"}, new String[] {"produce", "--file", requests.toString()},
          new String[] {"control", "show"})) {
        long start = System.nanoTime();
        Cli failed = cli(config, command);
        long seconds = TimeUnit.NANOSECONDS.toSeconds(System.nanoTime() - start);
        assertThat(failed.code).as("%s with %s", command[0], wrong.what()).isEqualTo(2);
        assertThat(failed.err).as("%s with %s", command[0], wrong.what()).contains(wrong.named())
            .doesNotContain("not-the-password").doesNotContain(kafka.password(SecuredKafka.PROCESSOR));
        assertThat(seconds).as("%s with %s failed within 30 s", command[0], wrong.what()).isLessThan(30);
      }
    }
  }

  private record Wrong(String what, KafkaBootstrap kafka, String named) {}

  /**
   * The processor's Kafka password rotates without a restart: its SCRAM credentials come from a
   * file ({@link ScramCredentialsFile}), the broker makes every connection authenticate again
   * every 5 s, and after the password changed on the broker and then in the file, the processor
   * goes on through two rounds of re-authentication, while a client that read its password
   * once from {@code sasl.jaas.config} is refused.
   */
  @Test
  void shouldGoOnWhenItsKafkaPasswordRotatesInItsCredentialsFile() throws Exception {
    SecuredKafka kafka = SecuredKafka.shared();
    KafkaBootstrap operator = kafka.as(SecuredKafka.ADMIN);
    KafkaBootstrap once = kafka.as(SecuredKafka.ROTATING);
    Path credentials = dir.resolve("scram.properties");
    Files.writeString(credentials, "username=" + SecuredKafka.ROTATING + "\npassword=" + kafka.password(SecuredKafka.ROTATING) + "\n");
    Map<String, String> fromFile = new HashMap<>(once.idvConfig());
    fromFile.put("kafka.sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required "
        + ScramCredentialsFile.FILE_OPTION + "=\"" + credentials + "\";");
    fromFile.put("kafka.sasl.client.callback.handler.class", ScramCredentialsFile.class.getName());
    try (PipelineHarness it = new PipelineHarness(operator, SimulatorOptions.builder(), null, fromFile)) {
      SecuredKafka.shared().grant(processorNeeds(it).stream().map(need -> need.binding("User:" + SecuredKafka.ROTATING)).toList());
      it.startProcessor();
      it.sendRequests(List.of(DemoBatch.credential("rot-1", "clean")));
      assertThat(it.awaitEvents(1, Duration.ofSeconds(60)).results()).hasSize(1);
      // the same user, its password read once from sasl.jaas.config; assigned, not in a group (no group ACL)
      KafkaConsumer<String, byte[]> stale = new KafkaConsumer<>(once.clientProperties(), new StringDeserializer(),
          new ByteArrayDeserializer());
      try {
        stale.assign(stale.partitionsFor(it.requestsTopic).stream()
            .map(p -> new org.apache.kafka.common.TopicPartition(it.requestsTopic, p.partition())).toList());
        stale.poll(Duration.ofSeconds(2));

        String rotated = "rotating-pass-2-" + System.nanoTime();
        try (Admin admin = Admin.create(operator.clientProperties())) {
          admin.alterUserScramCredentials(List.of(new UserScramCredentialUpsertion(SecuredKafka.ROTATING,
              new ScramCredentialInfo(ScramMechanism.SCRAM_SHA_512, 4096), rotated))).all().get(30, TimeUnit.SECONDS);
        }
        Files.writeString(credentials, "username=" + SecuredKafka.ROTATING + "\npassword=" + rotated + "\n");
        long rotatedAt = System.nanoTime();

        // the client that read its password once is refused at its next authentication
        Awaitility.await().atMost(Duration.ofSeconds(40)).until(() -> {
          try {
            stale.poll(Duration.ofMillis(200));
            return false;
          } catch (org.apache.kafka.common.errors.AuthenticationException e) {
            return true;
          }
        });
        // two rounds of re-authentication later, the processor still works
        Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> System.nanoTime() - rotatedAt > TimeUnit.SECONDS.toNanos(11));
        it.sendRequests(List.of(DemoBatch.credential("rot-2", "clean"), DemoBatch.face("rot-3", "ok")));
        PipelineHarness.Events events = it.awaitEvents(3, Duration.ofSeconds(60));
        events.assertEachEndedOnce(3);
      } finally {
        try {
          stale.close(Duration.ZERO);
        } catch (org.apache.kafka.common.KafkaException refused) {
          // its password is refused now: it cannot leave cleanly, which is the point
        }
      }
    }
  }

  /** Each ACL of the plan that is not optional, left out in turn. */
  static Stream<Arguments> requiredAcls() {
    return Stream.of(
        Arguments.of(ResourceType.TOPIC, "requests", AclOperation.READ, "Read topic 'PREFIX.requests'"),
        Arguments.of(ResourceType.TOPIC, "results", AclOperation.WRITE, "Write topic 'PREFIX.results'"),
        Arguments.of(ResourceType.TOPIC, "internal", AclOperation.READ, "Read topic 'PREFIX-"),
        Arguments.of(ResourceType.TOPIC, "internal", AclOperation.CREATE, "Create topic 'PREFIX-"),
        Arguments.of(ResourceType.GROUP, "group", AclOperation.READ, "Read group 'PREFIX'"),
        Arguments.of(ResourceType.TRANSACTIONAL_ID, "ids", AclOperation.WRITE, "Write transactional ids 'PREFIX-*'"));
  }

  @ParameterizedTest(name = "without {2} on the {1}")
  @MethodSource("requiredAcls")
  void shouldRefuseToStartWithoutAnAclNamingTheResource(ResourceType type, String which, AclOperation operation,
      String named) throws Exception {
    SecuredKafka kafka = SecuredKafka.shared();
    KafkaBootstrap operator = kafka.as(SecuredKafka.ADMIN);
    try (PipelineHarness it = new PipelineHarness(operator, SimulatorOptions.builder(), null,
        kafka.as(SecuredKafka.PROCESSOR).idvConfig())) {
      List<AclPlan.Need> needs = new ArrayList<>(processorNeeds(it));
      boolean removed = needs.removeIf(need -> need.type() == type && need.operation() == operation
          && (type != ResourceType.TOPIC || need.name().equals(topicOf(it, which))));
      assertThat(removed).as("the plan holds %s on %s", operation, which).isTrue();
      grant(needs);
      IdvConfig config = new IdvConfig(it.config());
      assertThatThrownBy(() -> ProcessorRuntime.start(config).close())
          .isInstanceOf(KafkaAccessException.class)
          .hasMessageContaining("Kafka ACL missing")
          .hasMessageContaining(named.replace("PREFIX", it.prefix))
          .hasMessageContaining("docs/security.md");
    }
  }

  /**
   * A principal that may describe a group that does not exist yet, but not read it: the group
   * cannot be asked what its member may do before it exists, so Kafka Streams' first join asks, and
   * the processor stops naming the group.
   */
  @Test
  void shouldStopNamingTheGroupWhenItMayNotJoinIt() throws Exception {
    SecuredKafka kafka = SecuredKafka.shared();
    KafkaBootstrap operator = kafka.as(SecuredKafka.ADMIN);
    Logger failures = (Logger) LoggerFactory.getLogger("dev.idvstreams.runtime.StreamThreadFailures");
    ListAppender<ILoggingEvent> captured = new ListAppender<>();
    captured.start();
    failures.addAppender(captured);
    try (PipelineHarness it = new PipelineHarness(operator, SimulatorOptions.builder(), null,
        kafka.as(SecuredKafka.PROCESSOR).idvConfig())) {
      List<AclPlan.Need> needs = new ArrayList<>(processorNeeds(it));
      assertThat(needs.removeIf(need -> need.type() == ResourceType.GROUP && need.operation() == AclOperation.READ)).isTrue();
      needs.add(new AclPlan.Need(ResourceType.GROUP, it.prefix, org.apache.kafka.common.resource.PatternType.LITERAL,
          AclOperation.DESCRIBE, false, "describe only"));
      grant(needs);
      try (ProcessorRuntime runtime = ProcessorRuntime.start(new IdvConfig(it.config()))) {
        assertThat(runtime.stopped().get(60, TimeUnit.SECONDS)).isEqualTo(KafkaStreams.State.ERROR);
      }
      assertThat(captured.list).extracting(ILoggingEvent::getFormattedMessage)
          .anySatisfy(line -> assertThat(line).contains("Kafka ACL missing").contains("group '" + it.prefix + "'")
              .contains("docs/security.md"));
    } finally {
      failures.detachAppender(captured);
    }
  }

  private static String topicOf(PipelineHarness it, String which) {
    return switch (which) {
      case "requests" -> it.requestsTopic;
      case "results" -> it.resultsTopic;
      default -> it.prefix + "-";
    };
  }

  private static List<AclPlan.Need> processorNeeds(PipelineHarness it) {
    return AclPlan.processor(it.prefix, it.requestsTopic, it.resultsTopic, it.dlqTopic, true);
  }

  /** Grants {@code needs} to the processor's principal. */
  static void grant(List<AclPlan.Need> needs) throws Exception {
    SecuredKafka.shared().grant(needs.stream().map(need -> need.binding(PROCESSOR_PRINCIPAL)).toList());
  }

  private record Cli(int code, String out, String err) {}

  /** Runs {@code args} followed by {@code --config FILE} with {@code config} in this JVM, as the jar runs them. */
  private Cli cli(Map<String, String> config, String... args) throws Exception {
    List<String> all = new ArrayList<>(List.of(args));
    all.addAll(List.of("--config", properties(config).toString()));
    OperatorTool.Run run = OperatorTool.execute(all);
    return new Cli(run.exitCode(), run.out(), run.err());
  }

  private Path properties(Map<String, String> config) throws Exception {
    Path file = Files.createTempFile(dir, "idv-", ".properties");
    Files.writeString(file, config.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue().replace("\\", "\\\\"))
        .collect(Collectors.joining("\n")), StandardCharsets.UTF_8);
    return file;
  }

  private record JarRun(int code, String output) {}

  /** Runs the jar with {@code args --config FILE} and {@code env} added to its environment; waits up to 2 minutes. */
  private JarRun jar(Map<String, String> config, Map<String, String> env, String... args) throws Exception {
    Path file = properties(config);
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-jar", System.getProperty("idv.jar", "target/idv-streams.jar")));
    command.addAll(List.of(args));
    command.addAll(List.of("--config", file.toString()));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
    builder.environment().putAll(env);
    builder.environment().put("ALIBABA_CLOUD_ECS_METADATA_DISABLED", "true");
    Process process = builder.start();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(2, TimeUnit.MINUTES)).as("the jar exits").isTrue();
    return new JarRun(process.exitValue(), output);
  }
}
