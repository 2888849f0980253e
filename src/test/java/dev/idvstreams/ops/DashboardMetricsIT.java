package dev.idvstreams.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idvstreams.avro.VerificationRequest;
import dev.idvstreams.config.IdvConfig;
import dev.idvstreams.demo.DemoBatch;
import dev.idvstreams.embedded.KafkaBootstrap;
import dev.idvstreams.embedded.KafkaExtension;
import dev.idvstreams.runtime.ProcessorRuntime;
import dev.idvstreams.serde.AvroSerde;
import dev.idvstreams.simulator.Simulator;
import dev.idvstreams.simulator.SimulatorOptions;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The Grafana dashboard (deploy/grafana) and the alert rules (deploy/kubernetes/monitoring): every
 * metric they name is served by a running processor's /metrics, once it has answered requests, so
 * a renamed metric breaks this test, not a dashboard in production; and every expression parses
 * with Prometheus' own PromQL grammar (the npm package {@code @prometheus-io/lezer-promql}, which
 * the build installs into deploy/promql-check with {@code npm ci}).
 */
@ExtendWith(KafkaExtension.class)
class DashboardMetricsIT {

  private static final List<Path> FILES = List.of(Path.of("deploy/grafana/idv-streams.json"),
      Path.of("deploy/kubernetes/monitoring/prometheusrule.yaml"));
  /** The metric names the files use: the processor's own and the Kafka clients'. */
  private static final Pattern METRIC = Pattern.compile("\\b((?:idv|kafka)_[a-z0-9_]+)\\b");

  private static final Path PROMQL_CHECK = Path.of("deploy/promql-check/check.mjs");

  @Test
  void shouldParseEveryExpressionWithPrometheusOwnGrammar() throws Exception {
    JsonArray expressions = new JsonArray();
    JsonObject dashboard = new JsonObject(Files.readString(FILES.get(0)));
    for (Object panel : dashboard.getJsonArray("panels")) {
      JsonArray targets = ((JsonObject) panel).getJsonArray("targets");
      if (targets != null) {
        for (Object target : targets) {
          expressions.add(new JsonObject().put("where", FILES.get(0) + ": " + ((JsonObject) panel).getString("title"))
              .put("expr", ((JsonObject) target).getString("expr")));
        }
      }
    }
    List<String> rules = ruleExpressions(Files.readAllLines(FILES.get(1)));
    rules.forEach(expr -> expressions.add(new JsonObject().put("where", FILES.get(1).toString()).put("expr", expr)));
    assertThat(expressions.size()).as("panels' and rules' expressions").isGreaterThan(20);
    assertThat(rules).hasSize(6);

    assertThat(promqlCheck(expressions)).as("the expressions parse").startsWith("0\n");
    JsonArray broken = new JsonArray().add(new JsonObject().put("where", "a broken one").put("expr", "sum(rate(x[5m]) "));
    assertThat(promqlCheck(broken)).as("the check finds a broken expression").startsWith("1\n")
        .contains("a broken one: does not parse");
  }

  /**
   * The {@code expr} of each rule: one line, or a folded block ({@code >-}) of the lines indented
   * under it. A parser of the little YAML the rule file uses.
   */
  private static List<String> ruleExpressions(List<String> lines) {
    List<String> exprs = new java.util.ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      Matcher m = Pattern.compile("^(\\s*)expr:\\s*(.*)$").matcher(lines.get(i));
      if (!m.matches()) {
        continue;
      }
      if (!m.group(2).startsWith(">")) {
        exprs.add(m.group(2));
        continue;
      }
      StringBuilder folded = new StringBuilder();
      int indent = m.group(1).length();
      while (i + 1 < lines.size() && (lines.get(i + 1).isBlank()
          || lines.get(i + 1).length() - lines.get(i + 1).stripLeading().length() > indent)) {
        folded.append(' ').append(lines.get(++i).strip());
      }
      exprs.add(folded.toString().strip());
    }
    return exprs;
  }

  /** The check's exit code, a new line, and its output. */
  private static String promqlCheck(JsonArray expressions) throws Exception {
    assertThat(PROMQL_CHECK.resolveSibling("node_modules/@prometheus-io/lezer-promql")).as(
        "installed by the build (mvn verify runs npm ci in deploy/promql-check)").exists();
    Process node = new ProcessBuilder("node", PROMQL_CHECK.toString()).redirectErrorStream(true).start();
    node.getOutputStream().write(expressions.encode().getBytes(java.nio.charset.StandardCharsets.UTF_8));
    node.getOutputStream().close();
    String output = new String(node.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    assertThat(node.waitFor(60, TimeUnit.SECONDS)).isTrue();
    return node.exitValue() + "\n" + output;
  }

  @Test
  void shouldServeEveryMetricTheDashboardAndTheAlertsName(KafkaBootstrap kafka) throws Exception {
    Set<String> named = new TreeSet<>();
    for (Path file : FILES) {
      Matcher m = METRIC.matcher(Files.readString(file));
      while (m.find()) {
        named.add(m.group(1));
      }
    }
    assertThat(named).as("the files name the metrics this test checks").contains("idv_limit_qps",
        "idv_api_calls_seconds_count", "idv_request_latency_seconds_bucket", "kafka_consumer_fetch_manager_records_lag");

    String prefix = "dash-" + UUID.randomUUID().toString().substring(0, 8);
    Vertx vertx = Vertx.vertx();
    Simulator simulator = new Simulator(vertx, SimulatorOptions.builder().port(0).latency(Duration.ofMillis(20),
        Duration.ZERO).build());
    int simulatorPort = simulator.start().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    try (Admin admin = Admin.create(Map.of("bootstrap.servers", kafka.bootstrapServers()))) {
      admin.createTopics(List.of(new NewTopic(prefix + ".requests", 2, (short) 1),
          new NewTopic(prefix + ".results", 2, (short) 1), new NewTopic(prefix + ".dlq", 2, (short) 1)))
          .all().get(30, TimeUnit.SECONDS);
    }
    Map<String, String> config = new HashMap<>();
    config.put("bootstrap.servers", kafka.bootstrapServers());
    config.put("application.id", prefix);
    config.put("schema.registry.url", "mock://" + prefix);
    config.put("state.dir", Files.createTempDirectory("idv-it-state-").toString());
    config.put("topic.requests", prefix + ".requests");
    config.put("topic.results", prefix + ".results");
    config.put("topic.dlq", prefix + ".dlq");
    config.put("aliyun.endpoint-override", "http://127.0.0.1:" + simulatorPort);
    config.put("aliyun.access-key-id", SimulatorOptions.DEFAULT_ACCESS_KEY_ID);
    config.put("aliyun.access-key-secret", SimulatorOptions.DEFAULT_ACCESS_KEY_SECRET);
    config.put("http.host", "127.0.0.1");
    config.put("http.port", "0");
    IdvConfig settings = new IdvConfig(config);
    try (ProcessorRuntime runtime = ProcessorRuntime.start(settings);
        KafkaProducer<String, byte[]> producer = new KafkaProducer<>(Map.of(
            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()), new StringSerializer(),
            new ByteArraySerializer())) {
      AvroSerde<VerificationRequest> serde = AvroSerde.forValues(VerificationRequest.class,
          settings.schemaRegistry().client());
      for (VerificationRequest request : List.of(DemoBatch.credential("m-1", "clean"), DemoBatch.material("m-2",
          "sim-status-1"), DemoBatch.face("m-3", "ok"))) {
        producer.send(new ProducerRecord<>(prefix + ".requests", request.getBizId(),
            serde.serialize(prefix + ".requests", request))).get(30, TimeUnit.SECONDS);
      }
      HttpClient http = HttpClient.newHttpClient();
      URI metrics = URI.create("http://127.0.0.1:" + runtime.opsPort() + "/metrics");
      // served once the three calls were answered and the consumer has fetched (lag)
      Awaitility.await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).untilAsserted(() -> {
        String served = http.send(HttpRequest.newBuilder(metrics).build(), HttpResponse.BodyHandlers.ofString()).body();
        assertThat(served).contains("idv_api_calls_seconds_count{api=\"face-verify\",outcome=\"SUCCESS\"");
        Set<String> missing = new TreeSet<>();
        for (String name : named) {
          if (!Pattern.compile("(?m)^" + name + "[{ ]").matcher(served).find()) {
            missing.add(name);
          }
        }
        assertThat(missing).as("named by the dashboard or the alerts, not served by /metrics").isEmpty();
      });
    } finally {
      simulator.stop().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
      vertx.close();
    }
  }
}
