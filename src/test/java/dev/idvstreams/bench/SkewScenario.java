package dev.idvstreams.bench;

import dev.idvstreams.api.Api;
import dev.idvstreams.cli.Main;
import dev.idvstreams.demo.SimulatorProcess;
import dev.idvstreams.avro.VerificationRequest;
import dev.idvstreams.config.IdvConfig;
import dev.idvstreams.serde.ApicurioRegistry;
import dev.idvstreams.simulator.ApiStats;
import dev.idvstreams.simulator.Arrivals;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.apache.kafka.common.utils.Utils;

/**
 * A skewed key space: three processor JVMs in one group, every request's bizId on the partitions
 * of one of them. The split of the limit must follow the work there: that instance gets the whole
 * limit, the two idle ones none. Measured from the first call: how soon a 1-second window held
 * 0.9 of the limit, the rate from 3 s after the first call to the last, and the processors' CPU.
 */
final class SkewScenario implements Scenario {

  private static final int INSTANCES = 3;
  private static final int PARTITIONS = 6;
  private static final Api API = Api.CREDENTIAL_VERIFY_INTL;

  @Override
  public String name() {
    return "skew";
  }

  @Override
  public String description() {
    return INSTANCES + " processor JVMs in one group, " + PARTITIONS + " partitions, every request on one instance's "
        + "partitions; CredentialVerifyIntl at 200 ms latency; the requests are sent once the group is stable. "
        + "Figures from the first call: seconds until a 1-second window held 0.9 of the limit, the rate from 3 s "
        + "after the first call to the last / the limit, and the processors' CPU seconds (user + system, every JVM) "
        + "per 1,000 calls.";
  }

  @Override
  public List<BenchRow> run(BenchSettings settings) throws Exception {
    List<BenchRow> rows = new ArrayList<>();
    try (ApicurioRegistry registry = ApicurioRegistry.start()) {
      for (int limit : new int[] {20, 100}) {
        if (settings.quick() && limit != 20) {
          continue;
        }
        rows.add(settings.measured(measure(settings, limit, registry.ccompatUrl())));
      }
    }
    return rows;
  }

  private static BenchRow measure(BenchSettings settings, int limit, String registryUrl) throws Exception {
    int seconds = settings.pick(40, 15);
    int requests = limit * seconds;
    // the provider in a JVM of its own, warmed up, as for the demo (docs/simulator.md): in the bench's
    // JVM, beside the broker, a GC pause bunched its arrivals into throttled answers
    try (SimulatorProcess provider = SimulatorProcess.start(Main.class.getName(), List.of("--latency-ms", "200",
            "--qps", API.action() + "=" + limit, "--warm-up-calls", "3000"),
            Files.createTempFile("idv-bench-simulator-", ".log"), Duration.ofSeconds(120))) {
      StageSpec spec = StageSpec.of(API).withLatency(Duration.ofMillis(200)).withLimit(limit).withPartitions(PARTITIONS)
          .withOverride(IdvConfig.SCHEMA_REGISTRY_URL_CONFIG, registryUrl)
          .withOverride(IdvConfig.ALIYUN_ENDPOINT_OVERRIDE_CONFIG, provider.endpoint());
      return measure(settings, limit, requests, seconds, spec, provider);
    }
  }

  private static BenchRow measure(BenchSettings settings, int limit, int requests, int seconds, StageSpec spec,
      SimulatorProcess provider) throws Exception {
    try (BenchStage stage = BenchStage.start(spec); ProcessGroup group = new ProcessGroup(stage)) {
      Set<String> ids = new TreeSet<>();
      for (int i = 0; i < INSTANCES; i++) {
        group.start("instance-" + i);
        ids.add("instance-" + i);
      }
      Set<Integer> busy = group.awaitCallingPartitions(ids, Duration.ofSeconds(120)).get("instance-0");
      List<VerificationRequest> batch = new ArrayList<>();
      for (int i = 0; batch.size() < requests; i++) {
        String bizId = "skew-" + i;
        if (busy.contains(Utils.toPositive(Utils.murmur2(bizId.getBytes(StandardCharsets.UTF_8))) % PARTITIONS)) {
          batch.add(BenchRequests.one(API, bizId));
        }
      }
      double cpuBefore = group.cpuSeconds();
      stage.producer().sendAll(batch);
      stage.reader().await("skew", requests, Duration.ofSeconds(seconds * 4L + 120));
      double cpuSeconds = group.cpuSeconds() - cpuBefore;
      Arrivals arrivals = new Arrivals(provider.acceptedArrivals(API));
      ApiStats.Snapshot stats = provider.stats().get(API);
      long first = arrivals.nanos()[0];
      Arrivals afterThree = arrivals.from(first + Duration.ofSeconds(3).toNanos());
      double toNinety = arrivals.secondsUntilRate(first, 0.9, limit);
      double rateAfterThree = afterThree.middleRate(0, 1) / limit;
      Map<String, Object> figures = new LinkedHashMap<>();
      figures.put("limit", limit);
      figures.put("requests", requests);
      figures.put("utilisation first to last", Figures.round(arrivals.middleRate(0, 1) / limit));
      figures.put("s from first call to a second at 0.9", Figures.round(toNinety));
      figures.put("utilisation from 3 s", Figures.round(rateAfterThree));
      figures.put("throttled", stats.throttled());
      figures.put("busiest 1 s", arrivals.busiestSecond());
      figures.put("CPU s per 1,000 calls", Figures.round(cpuSeconds * 1000 / Math.max(1, stats.calls())));
      boolean met = toNinety <= 3 && rateAfterThree >= 0.9 && stats.throttled() == 0 && arrivals.busiestSecond() <= limit;
      return new BenchRow("skew", INSTANCES + " JVMs × " + limit + " QPS, all work on one", figures,
          "≥ 0.9 within 3 s of the first call and after, 0 throttled, busiest ≤ limit", met);
    }
  }
}
