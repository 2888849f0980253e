package dev.idvstreams.ops;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idvstreams.avro.CheckType;
import dev.idvstreams.avro.Outcome;
import dev.idvstreams.api.Api;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.kafka.streams.KafkaStreams;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class OpsHttpServerTest {

  private final Vertx vertx = Vertx.vertx();
  private final AtomicReference<KafkaStreams.State> state = new AtomicReference<>(KafkaStreams.State.REBALANCING);
  private final PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
  private final OpsHttpServer server = new OpsHttpServer(vertx, new HealthCheck(state::get), registry);
  private final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private int port;

  @BeforeEach
  void start() throws TimeoutException {
    port = server.start("127.0.0.1", 0).await(10, TimeUnit.SECONDS);
  }

  @AfterEach
  void stop() throws TimeoutException {
    server.stop().await(10, TimeUnit.SECONDS);
    vertx.close().await(10, TimeUnit.SECONDS);
  }

  private HttpResponse<String> get(String path) throws IOException, InterruptedException {
    HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
        .timeout(Duration.ofSeconds(10))
        .build();
    return client.send(request, HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void shouldListenOnAFreePortWhenAskedForPortZero() {
    assertThat(port).isPositive();
  }

  @Test
  void shouldAnswerReadinessFromTheStreamsState() throws IOException, InterruptedException {
    HttpResponse<String> rebalancing = get(OpsHttpServer.READY_PATH);
    state.set(KafkaStreams.State.RUNNING);
    HttpResponse<String> running = get(OpsHttpServer.READY_PATH);

    assertThat(rebalancing.statusCode()).isEqualTo(503);
    assertThat(rebalancing.body()).isEqualTo("{\"state\":\"REBALANCING\"}");
    assertThat(running.statusCode()).isEqualTo(200);
    assertThat(running.body()).isEqualTo("{\"state\":\"RUNNING\"}");
    assertThat(running.headers().firstValue("content-type")).hasValue("application/json");
  }

  @Test
  void shouldAnswerLivenessFromTheStreamsState() throws IOException, InterruptedException {
    HttpResponse<String> rebalancing = get(OpsHttpServer.LIVE_PATH);
    state.set(KafkaStreams.State.ERROR);
    HttpResponse<String> failed = get(OpsHttpServer.LIVE_PATH);

    assertThat(rebalancing.statusCode()).isEqualTo(200);
    assertThat(failed.statusCode()).isEqualTo(500);
    assertThat(failed.body()).isEqualTo("{\"state\":\"ERROR\"}");
  }

  @Test
  void shouldServeTheIdvMetricsInPrometheusTextFormat() throws IOException, InterruptedException {
    IdvMetrics metrics = new IdvMetrics(registry);
    metrics.resultPublished(CheckType.FACE, Outcome.PASS);
    metrics.setInFlight(Api.FACE_VERIFY, 4);

    HttpResponse<String> response = get(OpsHttpServer.METRICS_PATH);

    assertThat(response.statusCode()).isEqualTo(200);
    assertThat(response.headers().firstValue("content-type")).hasValueSatisfying(
        type -> assertThat(type).startsWith("text/plain; version=0.0.4"));
    assertThat(response.body())
        .contains("idv_results_total{check_type=\"FACE\",outcome=\"PASS\"} 1.0")
        .contains("idv_results_total{check_type=\"CREDENTIAL\",outcome=\"FAIL\"} 0.0")
        .contains("idv_api_in_flight{api=\"face-verify\"} 4.0");
  }

  @Test
  void shouldAnswerNotFoundForAnyOtherPath() throws IOException, InterruptedException {
    assertThat(get("/health").statusCode()).isEqualTo(404);
  }
}
