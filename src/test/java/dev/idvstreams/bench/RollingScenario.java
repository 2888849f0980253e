package dev.idvstreams.bench;

import dev.idvstreams.api.Api;
import dev.idvstreams.avro.VerificationRequest;
import dev.idvstreams.cli.Main;
import dev.idvstreams.cli.ProcessorProcess;
import dev.idvstreams.config.IdvConfig;
import dev.idvstreams.demo.SimulatorProcess;
import dev.idvstreams.serde.ApicurioRegistry;
import dev.idvstreams.simulator.ApiStats;
import dev.idvstreams.simulator.Arrivals;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.LocalDate;
import java.time.LocalTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.kafka.common.utils.Utils;
import org.awaitility.Awaitility;

/**
 * A group that changes while it works: three processor JVMs started together on a waiting backlog
 * of the three APIs, then a fourth joins (after a quarter of the calls), one leaves with SIGTERM
 * (after half) and one is SIGKILLed and started again under its member id (after three quarters).
 * Measured the way a user sees it, from the first call to the last: each API's calls per second
 * over its limit, the last 10% of the calls, each partition's longest wait without a call while it
 * had work, how soon the first call came after the processes were RUNNING, throttled answers, and
 * the processors' CPU per 1,000 calls.
 */
final class RollingScenario implements Scenario {

  private static final int PARTITIONS = 6;
  private static final int LIMIT = 5;
  private static final Pattern RUNNING = Pattern.compile(
      "^(\\d\\d:\\d\\d:\\d\\d\\.\\d{3}) .*State transition from REBALANCING to RUNNING", Pattern.MULTILINE);

  @Override
  public String name() {
    return "rolling";
  }

  @Override
  public String description() {
    return "3 processor JVMs started together on a backlog of the three APIs (" + LIMIT + " QPS each, 80 ms latency, "
        + PARTITIONS + " partitions, the simulator in a JVM of its own); a 4th joins after 1/4 of the calls, one SIGTERM after 1/2, one SIGKILL and "
        + "restart after 3/4. Utilisation = each API's calls per second from its first call to its last / the limit; "
        + "last 10% = the same over the last 10% of the calls; longest wait = the longest time a partition with work "
        + "went without a VerifyMaterial call, the SIGKILLed member's partitions after the kill aside; first call after "
        + "RUNNING = from the first process's first REBALANCING -> RUNNING to the first call.";
  }

  @Override
  public List<BenchRow> run(BenchSettings settings) throws Exception {
    List<BenchRow> rows = new ArrayList<>();
    try (ApicurioRegistry registry = ApicurioRegistry.start()) {
      // -Didv.bench.rolling.protocols=classic to look at one
      for (String protocol : System.getProperty("idv.bench.rolling.protocols", "classic,streams").split(",")) {
        rows.add(settings.measured(measure(settings, protocol, registry.ccompatUrl())));
      }
    }
    return rows;
  }

  private static BenchRow measure(BenchSettings settings, String protocol, String registryUrl) throws Exception {
    List<String> simulate = new ArrayList<>(List.of("--latency-ms", "80", "--warm-up-calls", "3000"));
    for (Api api : Api.values()) {
      simulate.addAll(List.of("--qps", api.action() + "=" + LIMIT));
    }
    // the provider in a JVM of its own, warmed up, as for the demo and the skew scenario (docs/simulator.md)
    try (SimulatorProcess provider = SimulatorProcess.start(Main.class.getName(), simulate,
        Files.createTempFile("idv-bench-simulator-", ".log"), Duration.ofSeconds(120))) {
      return measure(settings, protocol, registryUrl, provider);
    }
  }

  private static BenchRow measure(BenchSettings settings, String protocol, String registryUrl, SimulatorProcess provider)
      throws Exception {
    int perApi = LIMIT * settings.pick(60, 30);
    StageSpec spec = StageSpec.of(Api.CREDENTIAL_VERIFY_INTL).withLatency(Duration.ofMillis(80))
        .withPartitions(PARTITIONS).withOverride(IdvConfig.SCHEMA_REGISTRY_URL_CONFIG, registryUrl)
        .withOverride(IdvConfig.ALIYUN_ENDPOINT_OVERRIDE_CONFIG, provider.endpoint())
        .withOverride("kafka.group.protocol", protocol);
    for (Api api : Api.values()) {
      spec = spec.withLimit(api, LIMIT);
    }
    try (BenchStage stage = BenchStage.start(spec); ProcessGroup group = new ProcessGroup(stage)) {
      List<VerificationRequest> batch = new ArrayList<>();
      for (int i = 0; i < perApi; i++) {
        for (Api api : Api.values()) {
          batch.add(BenchRequests.one(api, "roll" + api.ordinal() + "-" + i));
        }
      }
      stage.producer().sendAll(batch);
      int total = batch.size();
      OffsetWatch offsets = OffsetWatch.start(stage.bootstrapServers(), stage.config().applicationId(),
          stage.config().requestsTopic(), stage.config().applicationId() + "-by-bizid-repartition");
      long startedMillis = System.currentTimeMillis();
      Map<Long, String> events = new java.util.TreeMap<>();
      List<ProcessorProcess> first = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        first.add(group.start("m" + i));
      }
      events.put(startedMillis, "m0-m2 started");
      awaitCalls(provider, total / 4);
      List<ProcessorProcess> members = new ArrayList<>(first);
      members.add(group.start("m3"));
      events.put(System.currentTimeMillis(), "m3 started");
      awaitCalls(provider, total / 2);
      events.put(System.currentTimeMillis(), "m0 SIGTERM");
      group.terminate("m0");
      events.put(System.currentTimeMillis(), "m0 exited");
      awaitCalls(provider, total * 3 / 4);
      Set<Integer> killedPartitions = group.awaitCallingPartitions(Set.of("m1", "m2", "m3"), Duration.ofSeconds(60))
          .get("m1");
      long killedMillis = System.currentTimeMillis();
      group.kill("m1");
      events.put(killedMillis, "m1 SIGKILL, partitions " + killedPartitions);
      members.add(group.start("m1"));
      events.put(System.currentTimeMillis(), "m1 restarted");
      for (Api api : Api.values()) {
        stage.reader().await("roll" + api.ordinal(), perApi, Duration.ofSeconds(300));
      }
      double cpuSeconds = group.cpuSeconds();
      offsets.close();
      Timeline.write(settings.outDir().resolve("rolling-" + protocol + "-timeline.txt"), provider, events, PARTITIONS,
          offsets.samples());
      for (ProcessorProcess member : members) {
        Files.writeString(settings.outDir().resolve("rolling-" + protocol + "-" + member.name() + "-" + member.pid()
            + ".log"), member.log());
      }

      Map<String, Object> figures = new LinkedHashMap<>();
      figures.put("group protocol", protocol);
      figures.put("requests", total);
      boolean met = true;
      long calls = 0;
      for (Api api : Api.values()) {
        Arrivals arrivals = new Arrivals(provider.acceptedArrivals(api));
        double utilisation = arrivals.middleRate(0, 1) / LIMIT;
        double tail = arrivals.middleRate(0.9, 1) / LIMIT;
        ApiStats.Snapshot stats = provider.stats().get(api);
        long throttled = stats.throttled();
        calls += stats.calls();
        figures.put(api.action() + " utilisation", Figures.round(utilisation));
        figures.put(api.action() + " last 10%", Figures.round(tail));
        figures.put(api.action() + " throttled", throttled);
        figures.put(api.action() + " busiest 1 s", arrivals.busiestSecond());
        met &= utilisation >= 0.85 && tail >= 0.9 && throttled == 0 && arrivals.busiestSecond() <= LIMIT;
      }
      double longestWait = longestWait(provider, killedPartitions, killedMillis);
      figures.put("longest wait s", Figures.round(longestWait));
      long firstRunning = firstRunningMillis(first);
      long firstCall = firstCallMillis(provider);
      figures.put("first call s after start", Figures.round((firstCall - startedMillis) / 1000.0));
      figures.put("first call s after RUNNING", Figures.round((firstCall - firstRunning) / 1000.0));
      figures.put("CPU s per 1,000 calls", Figures.round(cpuSeconds * 1000 / calls));
      met &= longestWait <= 5;
      return new BenchRow("rolling", "3+1 JVMs, join, SIGTERM, SIGKILL + restart, group.protocol=" + protocol, figures,
          "each API ≥ 0.85 first to last, last 10% ≥ 0.9, longest wait ≤ 5 s, 0 throttled", met);
    }
  }

  private static void awaitCalls(SimulatorProcess provider, long calls) {
    Awaitility.await().atMost(Duration.ofSeconds(300)).pollInterval(Duration.ofMillis(200)).until(() ->
        provider.stats().values().stream().mapToLong(ApiStats.Snapshot::accepted).sum() >= calls);
  }

  /**
   * The longest gap between two VerifyMaterial calls on one partition (their bizIds place them),
   * but for the SIGKILLed member's partitions from the kill on: they wait for the session timeout.
   * Every call counts, a request's repeated call too (a call cut by a migration, made again by the
   * next owner, is that partition's work going on); until 2026-12-07, evening, only each request's
   * first call counted.
   * VerifyMaterial only: the other two APIs' calls carry no bizId, and the simulator keys them by
   * a digest of their parameters, which does not tell the partition.
   */
  private static double longestWait(SimulatorProcess provider, Set<Integer> killedPartitions, long killedMillis) {
    List<List<Long>> byPartition = new ArrayList<>();
    for (int p = 0; p < PARTITIONS; p++) {
      byPartition.add(new ArrayList<>());
    }
    provider.callTimes(Api.VERIFY_MATERIAL).forEach((bizId, times) -> byPartition
        .get(Utils.toPositive(Utils.murmur2(bizId.getBytes(StandardCharsets.UTF_8))) % PARTITIONS).addAll(times));
    long longest = 0;
    for (int p = 0; p < PARTITIONS; p++) {
      List<Long> times = byPartition.get(p);
      Collections.sort(times);
      for (int i = 1; i < times.size(); i++) {
        boolean afterKill = killedPartitions.contains(p) && times.get(i) > killedMillis;
        if (!afterKill) {
          longest = Math.max(longest, times.get(i) - times.get(i - 1));
        }
      }
    }
    return longest / 1000.0;
  }

  private static long firstCallMillis(SimulatorProcess provider) {
    long first = Long.MAX_VALUE;
    for (Api api : Api.values()) {
      first = Math.min(first, provider.callTimes(api).values().stream().mapToLong(times -> times.get(0)).min()
          .orElse(Long.MAX_VALUE));
    }
    return first;
  }

  /** When the first of these processes first went RUNNING, from its log (this machine's zone, today). */
  private static long firstRunningMillis(List<ProcessorProcess> processes) throws IOException {
    long first = Long.MAX_VALUE;
    for (ProcessorProcess process : processes) {
      Matcher running = RUNNING.matcher(process.log());
      if (running.find()) {
        first = Math.min(first, LocalTime.parse(running.group(1)).atDate(LocalDate.now())
            .atZone(ZoneId.systemDefault()).toInstant().toEpochMilli());
      }
    }
    return first;
  }
}
