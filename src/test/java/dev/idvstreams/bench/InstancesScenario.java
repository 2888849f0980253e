package dev.idvstreams.bench;

import dev.idvstreams.api.Api;
import dev.idvstreams.simulator.Arrivals;
import dev.idvstreams.cli.ProcessorProcess;
import dev.idvstreams.config.IdvConfig;
import dev.idvstreams.serde.ApicurioRegistry;
import dev.idvstreams.simulator.ApiStats;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Three processors, each its own JVM ({@code java -jar target/idv-streams.jar run}), started at
 * the same moment in one group against one limit: together they must use it, and never go over it.
 * The limit is the baseline; a single in-process instance at the same setting is the utilisation
 * scenario's row.
 */
final class InstancesScenario implements Scenario {

  private static final int INSTANCES = 3;
  /**
   * The default arrival guard, and a wider one: three processor JVMs, the broker, the registry and
   * the simulator share two cores here, and the simulator's receive times jitter by more than 20 ms.
   */
  private static final int[] GUARDS_MS = {20, 50};

  @Override
  public String name() {
    return "instances";
  }

  @Override
  public String description() {
    return INSTANCES + " processor JVMs in one group, 6 partitions, CredentialVerifyIntl at 200 ms latency, a backlog of "
        + "60 s of calls; utilisation = the group's calls per second over the middle 60% of the calls / the limit.";
  }

  @Override
  public List<BenchRow> run(BenchSettings settings) throws Exception {
    List<BenchRow> rows = new ArrayList<>();
    try (ApicurioRegistry registry = ApicurioRegistry.start()) {
      for (int limit : new int[] {10, 50}) {
        for (int guardMs : GUARDS_MS) {
          if (settings.quick() && limit != 50) {
            continue;
          }
          rows.add(settings.measured(measure(settings, limit, guardMs, registry.ccompatUrl())));
        }
      }
    }
    return rows;
  }

  private static BenchRow measure(BenchSettings settings, int limit, int guardMs, String registryUrl) throws Exception {
    Api api = Api.CREDENTIAL_VERIFY_INTL;
    int seconds = settings.pick(60, 20);
    int requests = limit * seconds;
    StageSpec spec = StageSpec.of(api).withLatency(Duration.ofMillis(200)).withLimit(limit).withPartitions(6)
        .withOverride(IdvConfig.SCHEMA_REGISTRY_URL_CONFIG, registryUrl)
        .withOverride(IdvConfig.QPS_ARRIVAL_GUARD_MS_CONFIG, String.valueOf(guardMs));
    try (BenchStage stage = BenchStage.start(spec)) {
      stage.producer().sendAll(BenchRequests.valid(api, "i", requests));
      long started = System.nanoTime();
      List<ProcessorProcess> processes = new ArrayList<>();
      try {
        for (int i = 0; i < INSTANCES; i++) {
          processes.add(ProcessorProcess.start("bench-" + i, stage.instanceProperties("instance-" + i)));
        }
        stage.reader().await("i", requests, Duration.ofSeconds(seconds * 4L + 120));
      } finally {
        for (ProcessorProcess process : processes) {
          process.terminate();
        }
        for (ProcessorProcess process : processes) {
          process.awaitExit(Duration.ofSeconds(40));
          process.close();
        }
      }
      Arrivals arrivals = new Arrivals(stage.simulator().acceptedArrivals(api));
      ApiStats.Snapshot stats = stage.simulator().stats().get(api);
      double utilisation = arrivals.middleRate(0.2, 0.8) / limit;
      Map<String, Object> figures = new LinkedHashMap<>();
      figures.put("limit", limit);
      figures.put("arrival guard ms", guardMs);
      figures.put("requests", requests);
      figures.put("utilisation", Figures.round(utilisation));
      figures.put("first call s", Figures.round(arrivals.secondsUntilFirst(started)));
      figures.put("throttled", stats.throttled());
      figures.put("busiest 1 s", arrivals.busiestSecond());
      figures.put("calls", stats.calls());
      boolean met = utilisation >= 0.95 && stats.throttled() == 0 && arrivals.busiestSecond() <= limit;
      return new BenchRow("instances", INSTANCES + " JVMs × " + limit + " QPS, guard " + guardMs + " ms", figures,
          "≥ 0.95 together, 0 throttled, busiest ≤ limit", met);
    }
  }
}
