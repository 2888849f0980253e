package dev.idvstreams.runtime;

import dev.idvstreams.aliyun.ClientOptions;
import dev.idvstreams.aliyun.CredentialsSource;
import dev.idvstreams.aliyun.IdVerificationClient;
import dev.idvstreams.aliyun.ImageFetchOptions;
import dev.idvstreams.aliyun.ImageFetcher;
import dev.idvstreams.api.Api;
import dev.idvstreams.async.CallLane;
import dev.idvstreams.check.ApiCheckInvoker;
import dev.idvstreams.config.IdvConfig;
import dev.idvstreams.group.ApiLoad;
import dev.idvstreams.group.BudgetLog;
import dev.idvstreams.group.LaneDemand;
import dev.idvstreams.control.ControlLog;
import dev.idvstreams.control.ControlState;
import dev.idvstreams.group.ShareAgent;
import dev.idvstreams.group.ShareLog;
import dev.idvstreams.ops.HealthCheck;
import dev.idvstreams.ops.IdvMetrics;
import dev.idvstreams.ops.OpsHttpServer;
import dev.idvstreams.ops.ProcessorMetrics;
import dev.idvstreams.serde.SchemaRegistryClient;
import dev.idvstreams.topology.Backlog;
import dev.idvstreams.headers.CarriedHeaders;
import dev.idvstreams.kafka.AccessCheck;
import dev.idvstreams.kafka.AclPlan;
import dev.idvstreams.kafka.ClusterCheck;
import dev.idvstreams.topology.DeadLetterWriter;
import dev.idvstreams.topology.EventDelivery;
import dev.idvstreams.topology.PoisonStrikes;
import dev.idvstreams.topology.RecordLimits;
import dev.idvstreams.topology.ProcessingControl;
import dev.idvstreams.topology.VerificationTopology;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Vertx;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BiFunction;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.ConsumerGroupDescription;
import org.apache.kafka.clients.admin.DescribeConsumerGroupsOptions;
import org.apache.kafka.streams.CloseOptions;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StreamsConfig;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The processor as it runs: the API client and its lanes, the group's split of the limits, the
 * topology, Kafka Streams, and the ops endpoints, wired from one {@link IdvConfig}. Used by
 * {@code run} and {@code demo}.
 *
 * <p>Its life: built with every lane held (no share of any limit yet); started; the share log
 * gives the instance its part of each limit as its work asks ({@link ShareLog}); {@link #close()} drains (no new
 * call, the calls in flight finish and their results are forwarded, within
 * {@code shutdown.grace.ms}), then closes Kafka Streams leaving the group, so the partitions move
 * at once; calls still running then are cancelled and stay IN_FLIGHT for the next owner.
 */
public final class ProcessorRuntime implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(ProcessorRuntime.class);
  /** How often completions are forwarded when no record arrives: a bound on the added latency. */
  private static final Duration COMPLETION_INTERVAL = Duration.ofMillis(20);
  /**
   * The most a stream thread blocks at the in-flight bound between two of its loops: well under
   * the EOS transaction timeout (10 s), so no transaction outlives it.
   */
  private static final Duration BLOCKING_BUDGET = Duration.ofMillis(500);
  /**
   * Past this without a commit, Kafka Streams is taken to be unable to commit (a rebalance's join
   * phase, a broker away): no call starts. Three times the longest a loop blocks (so a loop that
   * used its whole budget is no stall), and short enough that few calls complete into a
   * transaction that may never commit.
   */
  private static final Duration COMMIT_STALL = Duration.ofMillis(1500);
  private static final long COMMIT_WATCH_MS = 100;
  /** How often commits are watched while the instance has no work ({@link ProcessingControl#hasWork()}). */
  private static final long COMMIT_WATCH_IDLE_MS = 1_000;
  /** How often the commit watch looks for the stream threads' metrics among all of Kafka Streams'. */
  private static final long COMMIT_WATCH_RESCAN_NANOS = TimeUnit.SECONDS.toNanos(5);
  /** How often the group coordinator is asked whether the group rebalances ({@link GroupRebalanceWatch}). */
  private static final long GROUP_WATCH_MS = 250;
  /** How often it is asked while the instance has no work: no thread blocks then, and no call starts. */
  private static final long GROUP_WATCH_IDLE_MS = 5_000;
  /** How often the lanes' gauges are sampled, while the instance has work and while it has none. */
  private static final long LANE_SAMPLING_MS = 1_000;
  private static final long LANE_SAMPLING_IDLE_MS = 5_000;
  /** The stream thread that failed on an unreachable registry is replaced after this pause, not at once. */
  private static final Duration REGISTRY_OUTAGE_PAUSE = Duration.ofSeconds(5);
  private static final Duration CLOSE_TIMEOUT = Duration.ofSeconds(30);
  /** How long a starting instance may take to read the control topic before it calls. */
  private static final Duration CONTROL_CATCH_UP = Duration.ofSeconds(30);
  /** In {@code <state.dir>/<application.id>/}: how often each record stopped a stream thread ({@link PoisonStrikes}). */
  private static final String POISON_STRIKES_FILE = "idv-poison-strikes";

  private final Vertx vertx;
  private final IdVerificationClient client;
  private final ApiCheckInvoker invoker;
  private final ProcessingControl control;
  private final KafkaStreams streams;
  private final Admin admin;
  private final ShareLog share;
  private final ControlLog controls;
  private final BudgetLog budget;
  /** Each API's QPS limit in force: the control topic's, else the file's. The control log's thread only. */
  private final Map<Api, Integer> limitsInForce = new java.util.concurrent.ConcurrentHashMap<>();
  private final PrometheusMeterRegistry meters;
  private final KafkaStreamsMetrics streamsMetrics;
  private final OpsHttpServer ops;
  private final Duration shutdownGrace;
  private final int opsPort;
  private final CompletableFuture<KafkaStreams.State> stopped = new CompletableFuture<>();
  private final AtomicBoolean closed = new AtomicBoolean();

  private ProcessorRuntime(IdvConfig config) {
    this(config, null);
  }

  /** @param images tests only: builds the client's image fetcher (an injected resolver and connector); null for the default */
  private ProcessorRuntime(IdvConfig config, BiFunction<Vertx, ImageFetchOptions, ImageFetcher> images) {
    // What can refuse a start is asked first, before a thread is started, so that a refused start
    // leaves nothing running: a refused password or an untrusted certificate (not a retry loop), a
    // refused registry, an access key file that cannot be read, a missing ACL.
    ClusterCheck.reach(config.kafkaClientProperties(), ClusterCheck.DEFAULT_TIMEOUT);
    SchemaRegistryClient registry = config.schemaRegistry().client();
    registry.check();
    ClientOptions options = clientOptions(config);
    Properties props = StreamsProperties.of(config);
    StreamsConfig streamsConfig = new StreamsConfig(props);
    this.admin = Admin.create(streamsConfig.getAdminConfigs(config.applicationId() + "-admin"));
    String shareTopic = ShareLog.topicName(config.applicationId());
    String budgetTopic = BudgetLog.topicName(config.applicationId());
    String controlTopic = ControlLog.topicName(config.applicationId());
    try {
      int replication = streamsConfig.getInt(StreamsConfig.REPLICATION_FACTOR_CONFIG);
      Optional<Short> replicas = replication < 0 ? Optional.empty() : Optional.of((short) replication);
      ShareLog.createTopic(admin, shareTopic, replicas);
      BudgetLog.createTopic(admin, budgetTopic, replicas);
      ControlLog.createTopic(admin, controlTopic, replicas);
      AccessCheck.check(admin, AclPlan.processor(config.applicationId(), config.requestsTopic(), config.resultsTopic(),
          config.deadLetterTopic(), StreamsConfig.EXACTLY_ONCE_V2.equals(config.processingGuarantee())),
        List.of(shareTopic, budgetTopic, controlTopic), config.kafkaClientProperties(), ClusterCheck.DEFAULT_TIMEOUT);
    } catch (RuntimeException e) {
      admin.close(Duration.ofSeconds(5));
      throw e;
    }
    this.control = new ProcessingControl(BLOCKING_BUDGET, new Backlog(config.backlogMaxRequests(), config.backlogMaxBytes()));
    this.vertx = Vertx.vertx();
    this.client = images == null ? new IdVerificationClient(vertx, options)
      : new IdVerificationClient(vertx, options, images.apply(vertx, options.imageFetch()));
    this.meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    this.shutdownGrace = config.shutdownGrace();
    IdvMetrics idvMetrics = new IdvMetrics(meters);
    ProcessorMetrics metrics = new ProcessorMetrics(idvMetrics);
    this.invoker = new ApiCheckInvoker(vertx, client, api -> laneSettings(config, api), Clock.systemUTC(), metrics);
    RecordLimits recordLimits = KafkaRecordLimits.read(admin, streamsConfig.getProducerConfigs(config.applicationId()),
      List.of(config.resultsTopic(), config.deadLetterTopic()));
    // the error handlers write dead letters and count them, as the topology does
    CarriedHeaders carried = new CarriedHeaders(config.headersCarried());
    props.putAll(DeadLetterWriter.properties(config.deadLetterTopic(), metrics, recordLimits, carried));
    VerificationTopology.Settings settings = new VerificationTopology.Settings(config.requestsTopic(),
      config.requestsKeyedByBizId(), config.resultsTopic(), config.deadLetterTopic(), config.dedupTtl(),
      config.dedupPurgeInterval(), COMPLETION_INTERVAL, config.imageInlineMaxBytes(),
      EventDelivery.forGuarantee(config.processingGuarantee()), recordLimits.maxRequestBytes(), config.poisonMaxFailures(), carried);
    PoisonStrikes strikes = PoisonStrikes.inFile(Path.of(streamsConfig.getString(StreamsConfig.STATE_DIR_CONFIG),
      config.applicationId(), POISON_STRIKES_FILE));
    // the main consumer of the classic protocol polls briefly only while there is work; under
    // group.protocol=streams Kafka Streams builds its own, and poll.ms stays short (StreamsProperties)
    this.streams = new KafkaStreams(VerificationTopology.build(settings, registry, invoker,
      metrics, control, strikes), props, new LoadFollowingPolls(control::hasWork, StreamsProperties.BUSY_POLL));
    Map<Api, Integer> limits = new EnumMap<>(Api.class);
    for (Api api : Api.values()) {
      limits.put(api, config.qps(api));
      limitsInForce.put(api, config.qps(api));
      idvMetrics.setLimitQps(api, config.qps(api));
    }
    this.share = new ShareLog(streamsConfig.getAdminConfigs(config.applicationId() + "-limit-share"), shareTopic,
      limits, new ShareAgent.Lanes() {
        @Override
        public void setQuota(Api api, int calls, Duration delay) {
          invoker.lane(api).setQuota(calls, delay);
          idvMetrics.setLimitPart(api, calls);
        }

        @Override
        public long millisSinceCallBeyond(Api api, int calls) {
          return invoker.lane(api).millisSinceCallBeyond(calls).orElse(ApiLoad.NEVER);
        }

        @Override
        public int callsInWindow(Api api) {
          return invoker.lane(api).callsInWindow();
        }

        @Override
        public Duration arrivalGuard(Api api) {
          return invoker.lane(api).arrivalGuard();
        }
      }, reported(new LaneDemand(api -> laneCounts(invoker.lane(api)), control.backlog()::requests,
          control.backlog()::arrived, System::nanoTime), idvMetrics),
      control::hasWork, ShareAgent.Timing.defaults());
    Map<Api, Long> budgets = new EnumMap<>(Api.class);
    for (Api api : Api.values()) {
      budgets.put(api, config.dailyBudget(api));
    }
    this.budget = new BudgetLog(streamsConfig.getAdminConfigs(config.applicationId() + "-budget"), budgetTopic, budgets,
      config.budgetTimeZone(), Clock.systemUTC(), limitsInForce::get, idvMetrics::setBudget);
    for (Api api : Api.values()) {
      invoker.lane(api).setBudget(budget.budget(api));
    }
    this.controls = new ControlLog(streamsConfig.getAdminConfigs(config.applicationId() + "-control"), controlTopic,
      state -> applyControl(state, config, idvMetrics));
    streams.setUncaughtExceptionHandler(new StreamThreadFailures(REGISTRY_OUTAGE_PAUSE));
    streams.setStateListener((now, before) -> {
      // no call starts and no thread blocks while Kafka Streams cannot commit
      control.setRebalancing(now == KafkaStreams.State.REBALANCING);
      if (before == KafkaStreams.State.REBALANCING && now == KafkaStreams.State.RUNNING) {
        // calls resume, maybe beside JVMs that are starting: the arrival guard starts wide again
        for (Api api : Api.values()) {
          invoker.lane(api).settle();
        }
      }
      if (now == KafkaStreams.State.ERROR || now == KafkaStreams.State.NOT_RUNNING) {
        stopped.complete(now);
      }
    });
    this.streamsMetrics = idvMetrics.bindKafkaStreams(streams);
    repeat(LANE_SAMPLING_MS, LANE_SAMPLING_IDLE_MS, () -> metrics.sampleLanes(invoker::lane));
    // Kafka Streams commits every commit.interval.ms (100 ms under EOS, 30 s under at_least_once):
    // only a gap well past it is a stall
    long commitInterval = streamsConfig.getLong(StreamsConfig.COMMIT_INTERVAL_MS_CONFIG);
    long stallNanos = Math.max(COMMIT_STALL.toNanos(), Duration.ofMillis(2 * commitInterval).plus(BLOCKING_BUDGET).toNanos());
    CommitWatch commits = new CommitWatch(streams::metrics, stallNanos, control::callsSettled, COMMIT_WATCH_RESCAN_NANOS);
    repeat(COMMIT_WATCH_MS, COMMIT_WATCH_IDLE_MS, () -> control.setCommitsStalled(commits.stalled()));
    GroupRebalanceWatch group = new GroupRebalanceWatch(() -> admin.describeConsumerGroups(List.of(config.applicationId()),
        new DescribeConsumerGroupsOptions().timeoutMs((int) (4 * GROUP_WATCH_MS)))
      .describedGroups().get(config.applicationId()).toCompletionStage().thenApply(ConsumerGroupDescription::groupState),
      control::setGroupRebalancing);
    repeat(GROUP_WATCH_MS, GROUP_WATCH_IDLE_MS, group::check);
    if (config.opsHttpEnabled()) {
      this.ops = new OpsHttpServer(vertx, new HealthCheck(streams::state), meters);
      this.opsPort = await(ops.start(config.opsHttpHost(), config.opsHttpPort()).toCompletionStage().toCompletableFuture());
    } else {
      this.ops = null;
      this.opsPort = -1;
    }
  }

  private static LaneDemand.LaneCounts laneCounts(CallLane<?> lane) {
    return new LaneDemand.LaneCounts(lane.isHeld(), lane.awaitingPermit(), lane.notSent(), lane.permitsGranted());
  }

  /**
   * Puts the control topic's settings in force: a paused API's lane holds its requests; an API's
   * QPS limit from the topic, else the file's, goes to its lane and to the group's split. On the
   * control log's thread.
   */
  private void applyControl(ControlState state, IdvConfig config, IdvMetrics idvMetrics) {
    for (Api api : Api.values()) {
      CallLane<?> lane = invoker.lane(api);
      boolean paused = state.paused(api);
      if (paused != lane.isPaused()) {
        LOG.info("{} {} through the control topic", api.action(), paused ? "paused: its requests are held" : "resumed");
      }
      lane.setPaused(paused);
      idvMetrics.setPaused(api, paused);
      long dailyBudget = state.dailyBudget(api).orElse(config.dailyBudget(api));
      budget.setBudget(api, dailyBudget);
      int qps = (int) state.qps(api).orElse(config.qps(api));
      if (qps != limitsInForce.get(api)) {
        LOG.info("{}: QPS limit {} through the control topic (the file's: {})", api.action(), qps, config.qps(api));
        limitsInForce.put(api, qps);
        lane.setLimit(qps);
        share.setLimit(api, qps);
        idvMetrics.setLimitQps(api, qps);
      }
    }
  }

  /** The demands, each also set on its gauge as it is measured. */
  private static Supplier<Map<Api, Long>> reported(Supplier<Map<Api, Long>> demands, IdvMetrics metrics) {
    return () -> {
      Map<Api, Long> now = demands.get();
      now.forEach(metrics::setLimitDemand);
      return now;
    };
  }

  /**
   * Runs {@code task} on a Vert.x event loop again and again, {@code busyMs} after each run while
   * the instance has work ({@link ProcessingControl#hasWork()}) and {@code idleMs} after it
   * otherwise: a watch that matters only while calls run costs an idle instance little, and it is
   * back at its pace at most {@code idleMs} after work begins. Until Vert.x closes.
   */
  private void repeat(long busyMs, long idleMs, Runnable task) {
    vertx.setTimer(control.hasWork() ? busyMs : idleMs, id -> {
      try {
        task.run();
      } catch (RuntimeException e) {
        LOG.warn("A periodic check failed: {}", e.toString());
      } finally {
        if (!closed.get()) {
          repeat(busyMs, idleMs, task);
        }
      }
    });
  }


  /** Builds everything and starts Kafka Streams. */
  public static ProcessorRuntime start(IdvConfig config) {
    ProcessorRuntime runtime = new ProcessorRuntime(config);
    runtime.controls.start(CONTROL_CATCH_UP);
    runtime.budget.start();
    runtime.share.start();
    runtime.streams.start();
    LOG.info("idv-streams started: application.id={}, requests from {}, member {}, ops endpoints {}",
      config.applicationId(), config.requestsTopic(), config.groupInstanceId().orElse("dynamic"),
      runtime.opsPort < 0 ? "off" : "on port " + runtime.opsPort);
    return runtime;
  }

  /**
   * Tests only (reached through a test class in this package): {@link #start(IdvConfig)} with the
   * client's image fetcher built by {@code images}, so a test injects its resolver and connector.
   */
  static ProcessorRuntime start(IdvConfig config, BiFunction<Vertx, ImageFetchOptions, ImageFetcher> images) {
    ProcessorRuntime runtime = new ProcessorRuntime(config, images);
    runtime.controls.start(CONTROL_CATCH_UP);
    runtime.budget.start();
    runtime.share.start();
    runtime.streams.start();
    return runtime;
  }

  /** Completes with ERROR or NOT_RUNNING when Kafka Streams stops, for whatever reason. */
  public CompletableFuture<KafkaStreams.State> stopped() {
    return stopped;
  }

  /** The port /metrics, /health/live and /health/ready are served on; -1 when off (http.port -1). */
  public int opsPort() {
    return opsPort;
  }

  /**
   * Drains, then closes leaving the group: no call starts from now on; the calls in flight get
   * {@code shutdown.grace.ms} to finish and have their results forwarded; then Kafka Streams
   * closes (committing what was forwarded) and leaves the group, so the partitions move at once.
   * Calls still running are cancelled with their tasks and stay IN_FLIGHT for the next owner.
   * Safe to call more than once.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    if (streams.state().isRunningOrRebalancing()) {
      control.startDraining();
      long drainStart = System.nanoTime();
      long deadline = drainStart + shutdownGrace.toNanos();
      while (control.callsInFlight() > 0 && System.nanoTime() < deadline) {
        pause(COMPLETION_INTERVAL);
      }
      int left = control.callsInFlight();
      LOG.info("Drained for {} ms: {} call(s) still in flight{}", (System.nanoTime() - drainStart) / 1_000_000, left,
        left == 0 ? "" : ", left IN_FLIGHT for the next owner of their partitions");
    }
    // no call starts from here on; the others take this instance's parts over at once
    share.close();
    controls.close();
    budget.close();
    boolean streamsClosed = streams.close(CloseOptions.groupMembershipOperation(
      CloseOptions.GroupMembershipOperation.LEAVE_GROUP).withTimeout(CLOSE_TIMEOUT));
    if (!streamsClosed) {
      // where the stream threads are stuck, for the operator: class and method names only
      Thread.getAllStackTraces().forEach((thread, stack) -> {
        if (thread.getName().contains("StreamThread")) {
          LOG.warn("Kafka Streams did not close within {}: {} is at {}", CLOSE_TIMEOUT, thread.getName(),
            Arrays.stream(stack).limit(25).map(StackTraceElement::toString).collect(Collectors.joining(" <- ")));
        }
      });
    }
    streamsMetrics.close();
    if (ops != null) {
      ops.stop();
    }
    client.close();
    vertx.close().toCompletionStage().toCompletableFuture().orTimeout(10, TimeUnit.SECONDS).exceptionally(e -> null).join();
    admin.close(Duration.ofSeconds(5)); // after its timer's last question
  }

  private static ClientOptions clientOptions(IdvConfig config) {
    ClientOptions.Builder options = ClientOptions.builder()
      .connectTimeout(config.apiConnectTimeout())
      .requestTimeout(config.apiRequestTimeout())
      // connections are pooled per host, and the APIs may share one: each may have its bound in flight
      .poolSize(config.inFlightMax() * Api.values().length)
      .imageFetch(new ImageFetchOptions(config.imageFetchMaxBytes(), config.imageFetchTimeout(),
        config.imageFetchMaxRedirects(), config.imageFetchAllowPrivateAddresses()));
    for (Api api : Api.values()) {
      options.endpoint(api, config.apiBaseUri(api).toString());
      options.signatureVersion(api, config.signatureVersion(api));
    }
    config.apiTrustStore().ifPresent(options::trustStore);
    config.staticAccessKey().ifPresentOrElse(
      key -> options.credentials(CredentialsSource.staticKeys(key.id().value(), key.secret().value())),
      () -> options.credentials(config.accessKeyFile().map(ProcessorRuntime::keyFile)
        .orElseGet(CredentialsSource::defaultChain)));
    return options.build();
  }

  /** The key file's source; a file that cannot be used now fails the start like an invalid key. */
  private static CredentialsSource keyFile(Path file) {
    try {
      return CredentialsSource.keyFile(file);
    } catch (RuntimeException e) {
      throw new org.apache.kafka.common.config.ConfigException(IdvConfig.ALIYUN_ACCESS_KEY_FILE_CONFIG, file.toString(),
        e.getMessage());
    }
  }

  private static CallLane.Settings laneSettings(IdvConfig config, Api api) {
    return new CallLane.Settings(config.qps(api), config.arrivalGuard(), config.inFlightMax(), config.inFlightHeadroom(),
      config.retryMaxAttempts(), config.retryBackoffInitial(), config.retryBackoffMax(), config.retryDeadline(),
      config.breakerProbeInterval(), config.breakerProbeIntervalMax());
  }

  private static void pause(Duration duration) {
    try {
      Thread.sleep(duration.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static <T> T await(CompletableFuture<T> future) {
    return future.orTimeout(30, TimeUnit.SECONDS).join();
  }
}
