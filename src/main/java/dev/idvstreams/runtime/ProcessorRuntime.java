package dev.idvstreams.runtime;

import dev.idvstreams.aliyun.ClientOptions;
import dev.idvstreams.aliyun.CredentialsSource;
import dev.idvstreams.aliyun.IdVerificationClient;
import dev.idvstreams.aliyun.ImageFetchOptions;
import dev.idvstreams.api.Api;
import dev.idvstreams.async.CallLane;
import dev.idvstreams.check.ApiCheckInvoker;
import dev.idvstreams.config.IdvConfig;
import dev.idvstreams.ops.HealthCheck;
import dev.idvstreams.ops.IdvMetrics;
import dev.idvstreams.ops.OpsHttpServer;
import dev.idvstreams.ops.ProcessorMetrics;
import dev.idvstreams.serde.RegistryUnavailableException;
import dev.idvstreams.topology.DecodeDeadLetterHandler;
import dev.idvstreams.topology.VerificationTopology;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.util.Properties;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The processor as it runs: the API client and its async lanes, the topology, Kafka Streams, and
 * the ops endpoints, wired from one {@link IdvConfig}. Used by {@code run} and {@code demo}.
 */
public final class ProcessorRuntime implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ProcessorRuntime.class);
  private static final long SHARE_REFRESH_MS = 5_000;
  /** How often completions are forwarded when no record arrives: a bound on the added latency. */
  private static final Duration COMPLETION_INTERVAL = Duration.ofMillis(20);
  /** Backpressure at an API's bound, kept well under Kafka Streams' 10 s EOS transaction timeout. */
  private static final Duration MAX_SLOT_WAIT = Duration.ofSeconds(1);

  private final Vertx vertx;
  private final IdVerificationClient client;
  private final ApiCheckInvoker invoker;
  private final KafkaStreams streams;
  private final PrometheusMeterRegistry meters;
  private final KafkaStreamsMetrics streamsMetrics;
  private final OpsHttpServer ops;
  private final String requestsTopic;
  private final int opsPort;
  private final CompletableFuture<KafkaStreams.State> stopped = new CompletableFuture<>();

  private ProcessorRuntime(IdvConfig config) {
    this.vertx = Vertx.vertx();
    this.client = new IdVerificationClient(vertx, clientOptions(config));
    this.meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    IdvMetrics idvMetrics = new IdvMetrics(meters);
    ProcessorMetrics metrics = new ProcessorMetrics(idvMetrics);
    this.invoker = new ApiCheckInvoker(vertx, client, api -> laneSettings(config, api), Clock.systemUTC(), metrics);
    this.requestsTopic = config.requestsTopic();
    VerificationTopology.Settings settings = new VerificationTopology.Settings(config.requestsTopic(), config.requestsKeyedByBizId(), config.resultsTopic(),
      config.deadLetterTopic(), config.dedupTtl(), config.dedupPurgeInterval(), COMPLETION_INTERVAL, MAX_SLOT_WAIT,
      config.imageInlineMaxBytes());
    this.streams = new KafkaStreams(VerificationTopology.build(settings, config.schemaRegistry().client(), invoker, metrics),
      streamsProperties(config));
    streams.setUncaughtExceptionHandler(error -> {
      if (RegistryUnavailableException.isCauseOf(error)) {
        LOG.warn("Schema registry unavailable ({}): replacing the stream thread, which reads again from the last commit",
          error.getMessage());
        return StreamThreadExceptionResponse.REPLACE_THREAD;
      }
      // classes only: an Avro or Kafka message can quote the record, personal data included
      LOG.error("Stream thread failed with {}: shutting the processor down", causeChain(error));
      return StreamThreadExceptionResponse.SHUTDOWN_CLIENT;
    });
    streams.setStateListener((now, before) -> {
      if (now == KafkaStreams.State.RUNNING) {
        // on the stream thread, before it processes: a new instance never runs at the whole limit
        refreshShare();
      }
      if (now == KafkaStreams.State.ERROR || now == KafkaStreams.State.NOT_RUNNING) {
        stopped.complete(now);
      }
    });
    this.streamsMetrics = idvMetrics.bindKafkaStreams(streams);
    vertx.setPeriodic(1_000, id -> metrics.sampleLanes(invoker::lane));
    vertx.setPeriodic(SHARE_REFRESH_MS, id -> vertx.executeBlocking(() -> {
      if (streams.state() == KafkaStreams.State.RUNNING) {
        refreshShare();
      }
      return null;
    }));
    if (config.opsHttpEnabled()) {
      this.ops = new OpsHttpServer(vertx, new HealthCheck(streams::state), meters);
      this.opsPort = await(ops.start(config.opsHttpHost(), config.opsHttpPort()).toCompletionStage().toCompletableFuture());
    } else {
      this.ops = null;
      this.opsPort = -1;
    }
  }

  /** Builds everything and starts Kafka Streams. */
  public static ProcessorRuntime start(IdvConfig config) {
    ProcessorRuntime runtime = new ProcessorRuntime(config);
    runtime.streams.start();
    LOG.info("idv-streams started: application.id={}, requests from {}, ops endpoints {}", config.applicationId(),
      config.requestsTopic(), runtime.opsPort < 0 ? "off" : "on port " + runtime.opsPort);
    return runtime;
  }

  /** Completes with ERROR or NOT_RUNNING when Kafka Streams stops, for whatever reason. */
  public CompletableFuture<KafkaStreams.State> stopped() {
    return stopped;
  }

  /**
   * Stops taking records and closes. Calls still in flight are not waited for: their IN_FLIGHT
   * entries are in the changelogged store and are called again when the tasks start anywhere.
   */
  @Override
  public void close() {
    streams.close(Duration.ofSeconds(30));
    streamsMetrics.close();
    if (ops != null) {
      ops.stop();
    }
    client.close();
    vertx.close().toCompletionStage().toCompletableFuture().orTimeout(10, TimeUnit.SECONDS).exceptionally(e -> null).join();
  }

  private static ClientOptions clientOptions(IdvConfig config) {
    ClientOptions.Builder options = ClientOptions.builder()
      .connectTimeout(config.apiConnectTimeout())
      .requestTimeout(config.apiRequestTimeout())
      .poolSize(config.inFlightMax())
      .imageFetch(new ImageFetchOptions(config.imageFetchMaxBytes(), config.imageFetchTimeout(),
        config.imageFetchMaxRedirects(), config.imageFetchAllowPrivateAddresses()));
    for (Api api : Api.values()) {
      options.endpoint(api, config.apiBaseUri(api).toString());
      options.signatureVersion(api, config.signatureVersion(api));
    }
    config.staticAccessKey().ifPresentOrElse(
      key -> options.credentials(CredentialsSource.staticKeys(key.id().value(), key.secret().value())),
      () -> options.credentials(CredentialsSource.defaultChain()));
    return options.build();
  }

  private static CallLane.Settings laneSettings(IdvConfig config, Api api) {
    return new CallLane.Settings(config.qps(api), config.inFlightMax(), config.inFlightHeadroom(),
      config.retryMaxAttempts(), config.retryBackoffInitial(), config.retryBackoffMax(), config.retryDeadline(),
      config.breakerProbeInterval(), config.breakerProbeIntervalMax());
  }

  private static Properties streamsProperties(IdvConfig config) {
    Properties props = new Properties();
    props.putAll(config.kafkaStreamsProperties());
    props.put(StreamsConfig.DESERIALIZATION_EXCEPTION_HANDLER_CLASS_CONFIG, DecodeDeadLetterHandler.class);
    props.put(DecodeDeadLetterHandler.DLQ_TOPIC_CONFIG, config.deadLetterTopic());
    props.putAll(config.schemaRegistry().asProperties());
    return props;
  }

  /**
   * Each instance takes the share of the account's QPS limit that its share of the request
   * partitions gives, so a group of instances never exceeds the account limit.
   */
  private void refreshShare() {
    long local = streams.metadataForLocalThreads().stream()
      .flatMap(thread -> thread.activeTasks().stream())
      .flatMap(task -> task.topicPartitions().stream())
      .filter(tp -> tp.topic().equals(requestsTopic))
      .count();
    long total = streams.metadataForAllStreamsClients().stream()
      .flatMap(client -> client.topicPartitions().stream())
      .filter(tp -> tp.topic().equals(requestsTopic))
      .count();
    if (local > 0 && total > 0) {
      double share = Math.min(1.0, (double) local / total);
      for (Api api : Api.values()) {
        invoker.lane(api).setShare(share);
      }
    }
  }

  private static String causeChain(Throwable error) {
    StringBuilder chain = new StringBuilder();
    for (Throwable t = error; t != null; t = t.getCause()) {
      chain.append(chain.length() == 0 ? "" : " <- ").append(t.getClass().getName());
      StackTraceElement[] at = t.getStackTrace();
      if (at.length > 0) {
        chain.append(" at ").append(at[0]);
      }
    }
    return chain.toString();
  }

  private static <T> T await(CompletableFuture<T> future) {
    return future.orTimeout(30, TimeUnit.SECONDS).join();
  }
}
