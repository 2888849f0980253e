package dev.idvstreams.bench;

import dev.idvstreams.aliyun.ClientOptions;
import dev.idvstreams.aliyun.IdVerificationClient;
import dev.idvstreams.api.Api;
import dev.idvstreams.simulator.ApiStats;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Issue 9's naive baseline: the calls/s of a synchronous call inside {@code mapValues} on one
 * stream thread ({@link NaiveTopology}), and the processor's calls/s over it, at the same simulated
 * latency and QPS limit, on the same broker and simulator. Both are answers per second over the
 * middle 80% of their run (by the results' {@code completedAt}), from a backlog written at once.
 */
final class NaiveScenario implements Scenario {

  private static final Api API = Api.CREDENTIAL_VERIFY_INTL;
  private static final double TARGET = 10.0;

  /** latency ms, limit. */
  private static final int[][] CASES = {{50, 10}, {200, 50}, {1000, 50}};

  @Override
  public String name() {
    return "naive";
  }

  @Override
  public String description() {
    return "Answers/s of the processor over a synchronous call in mapValues on one stream thread (exactly_once_v2, "
        + "same client, serdes, broker and simulator), " + API.action() + ", backlog written at once, rate over the "
        + "middle 80% of the answers. Target: ours/naive >= 10 wherever latency x limit >= 10.";
  }

  @Override
  public List<BenchRow> run(BenchSettings settings) throws Exception {
    int seconds = settings.pick(30, 8);
    List<BenchRow> rows = new ArrayList<>();
    for (int[] c : CASES) {
      rows.add(settings.measured(measure(Duration.ofMillis(c[0]), c[1], seconds)));
    }
    return rows;
  }

  private BenchRow measure(Duration latency, int limit, int seconds) throws Exception {
    StageSpec spec = StageSpec.of(API).withLatency(latency).withLimit(limit);
    try (BenchStage stage = BenchStage.start(spec)) {
      Run ours = ours(stage, limit * seconds);
      Run naive = naive(stage, naiveRequests(latency, limit, seconds));
      double product = latency.toMillis() / 1000.0 * limit;
      double ratio = Figures.ratio(ours.rate, naive.rate);
      Map<String, Object> figures = new LinkedHashMap<>();
      figures.put("latency ms", latency.toMillis());
      figures.put("limit", limit);
      figures.put("latency x limit", Figures.round(product));
      figures.put("ours calls/s", Figures.round(ours.rate));
      figures.put("ours/limit", Figures.round(ours.rate / limit));
      figures.put("naive calls/s", Figures.round(naive.rate));
      figures.put("ours/naive", Figures.round(ratio));
      figures.put("requests ours/naive", ours.requests + "/" + naive.requests);
      figures.put("throttled ours/naive", ours.throttled + "/" + naive.throttled);
      figures.put("dead letters ours", ours.deadLetters);
      figures.put("CPU s per 1,000 calls ours", Figures.round(ours.cpuSeconds * 1000 / Math.max(1, ours.calls)));
      figures.put("CPU s per 1,000 calls naive", Figures.round(naive.cpuSeconds * 1000 / Math.max(1, naive.calls)));
      boolean applies = product >= 10 - 1e-9;
      return new BenchRow(name(), latency.toMillis() + " ms, limit " + limit, figures,
          applies ? "ours/naive >= 10" : "none (latency x limit < 10)", applies ? ratio >= TARGET : null);
    }
  }

  /** Enough for {@code seconds} of the naive design: one call per latency, at most the limit. */
  private static int naiveRequests(Duration latency, int limit, int seconds) {
    double perSecond = Math.min(limit, 1000.0 / Math.max(1, latency.toMillis()));
    return Math.max(8, (int) Math.round(perSecond * seconds));
  }

  private static Run ours(BenchStage stage, int requests) throws Exception {
    stage.startProcessor();
    stage.warmUp(5, Duration.ofSeconds(120));
    long throttledBefore = throttled(stage);
    long callsBefore = calls(stage);
    long cpuBefore = cpuNanos();
    stage.producer().sendAll(BenchRequests.valid(API, "ours", requests));
    List<TerminalEvent> events = stage.reader().await("ours", requests, timeout(requests, stage.spec().limit()));
    double cpuSeconds = (cpuNanos() - cpuBefore) / 1e9;
    long calls = calls(stage) - callsBefore;
    stage.stopProcessors();
    return Run.of(events, requests, throttled(stage) - throttledBefore, cpuSeconds, calls);
  }

  private static Run naive(BenchStage stage, int requests) throws Exception {
    List<String> topics = stage.createTopics("naive.requests", "naive.results");
    Vertx vertx = Vertx.vertx();
    try (IdVerificationClient client = new IdVerificationClient(vertx, ClientOptions.builder()
        .endpoint(API, stage.config().apiBaseUri(API).toString())
        .staticKeys(stage.config().staticAccessKey().orElseThrow().id().value(),
            stage.config().staticAccessKey().orElseThrow().secret().value())
        .build());
        BaselineApp app = BaselineApp.start(NaiveTopology.build(topics.get(0), topics.get(1), stage.registry(), client),
            stage.streamsProperties("naive"), Duration.ofSeconds(60))) {
      TerminalReader reader = stage.reader(topics.get(1), null);
      RequestProducer producer = stage.producer(topics.get(0));
      // one answered first: the thread is assigned and connected before the measured backlog
      producer.sendAll(BenchRequests.valid(API, "naive-warmup", 1));
      reader.await("naive-warmup", 1, Duration.ofSeconds(60));
      long throttledBefore = throttled(stage);
      long callsBefore = calls(stage);
      long cpuBefore = cpuNanos();
      producer.sendAll(BenchRequests.valid(API, "naive", requests));
      double naivePerSecond = Math.min(stage.spec().limit(), 1000.0 / Math.max(1, stage.spec().latency().toMillis()));
      List<TerminalEvent> events = reader.await("naive", requests, timeout(requests, naivePerSecond));
      double cpuSeconds = (cpuNanos() - cpuBefore) / 1e9;
      return Run.of(events, requests, throttled(stage) - throttledBefore, cpuSeconds, calls(stage) - callsBefore);
    } finally {
      vertx.close().toCompletionStage().toCompletableFuture().get(10, TimeUnit.SECONDS);
    }
  }

  /** Three times as long as the expected rate takes, and a minute. */
  private static Duration timeout(int requests, double perSecond) {
    return Duration.ofSeconds(60 + (long) (3 * requests / perSecond));
  }

  /**
   * The bench JVM's CPU time: both sides run in it, with the broker and the simulator, so a side's
   * figure is an upper bound on its own cost, taken the same way for both (from its backlog
   * written to its last answer).
   */
  private static long cpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  /** Calls the simulator took for the API, accepted or not. */
  private static long calls(BenchStage stage) {
    return stage.simulator().stats().get(API).calls();
  }

  private static long throttled(BenchStage stage) {
    ApiStats.Snapshot s = stage.simulator().stats().get(API);
    return s.throttled();
  }

  /** One side's run: its answer rate, how many it sent, how many calls the simulator throttled, dead letters. */
  private record Run(double rate, int requests, long throttled, long deadLetters, double cpuSeconds, long calls) {
    static Run of(List<TerminalEvent> events, int requests, long throttled, double cpuSeconds, long calls) {
      List<Long> answeredAt = events.stream().filter(e -> !e.deadLetter()).map(TerminalEvent::completedAt).toList();
      long deadLetters = events.stream().filter(TerminalEvent::deadLetter).count();
      return new Run(Figures.middleRate(answeredAt, 0.1, 0.9), requests, throttled, deadLetters, cpuSeconds, calls);
    }
  }
}
