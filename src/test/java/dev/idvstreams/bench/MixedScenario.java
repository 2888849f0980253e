package dev.idvstreams.bench;

import com.sun.management.OperatingSystemMXBean;
import dev.idvstreams.api.Api;
import dev.idvstreams.avro.VerificationRequest;
import dev.idvstreams.simulator.Arrivals;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The three APIs at once, as the demo mixes them, on one processor: each API's requests are one
 * third of the backlog, interleaved, every API at the same limit. Measured the way a user sees it:
 * calls per second between each API's first and last call, over its limit; and the JVM's CPU
 * seconds per 1,000 calls (the broker and the simulator run in the same JVM, so this is an upper
 * bound of the processor's own).
 */
final class MixedScenario implements Scenario {

  private static final int[][] CASES = {{1000, 20}, {3000, 20}, {50, 200}}; // latency ms, QPS per API
  private static final Api[] APIS = Api.values();

  @Override
  public String name() {
    return "mixed";
  }

  @Override
  public String description() {
    return "One processor, the three APIs mixed (a third of the requests each, interleaved), every API at the same "
        + "limit; utilisation = each API's calls per second from its first call to its last / the limit; CPU = the "
        + "bench JVM's CPU seconds (broker and simulator included) per 1,000 calls. in-flight.max="
        + UtilisationScenario.IN_FLIGHT_MAX + ".";
  }

  @Override
  public List<BenchRow> run(BenchSettings settings) throws Exception {
    List<BenchRow> rows = new ArrayList<>();
    for (int[] c : CASES) {
      if (settings.quick() && c[0] != 1000) {
        continue;
      }
      rows.add(settings.measured(measure(settings, Duration.ofMillis(c[0]), c[1])));
    }
    return rows;
  }

  private static BenchRow measure(BenchSettings settings, Duration latency, int limit) throws Exception {
    int seconds = settings.pick(60, 15);
    int perApi = (int) (limit * (seconds + latency.toMillis() / 1000.0));
    StageSpec spec = StageSpec.of(Api.CREDENTIAL_VERIFY_INTL).withLatency(latency)
        .withOverride("in-flight.max", UtilisationScenario.IN_FLIGHT_MAX);
    for (Api api : APIS) {
      spec = spec.withLimit(api, limit);
    }
    try (BenchStage stage = BenchStage.start(spec)) {
      List<List<VerificationRequest>> byApi = new ArrayList<>();
      for (Api api : APIS) {
        byApi.add(BenchRequests.valid(api, "mx" + api.ordinal(), perApi));
      }
      List<VerificationRequest> interleaved = new ArrayList<>();
      for (int i = 0; i < perApi; i++) {
        for (List<VerificationRequest> requests : byApi) {
          interleaved.add(requests.get(i));
        }
      }
      stage.producer().sendAll(interleaved);
      OperatingSystemMXBean os = (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();
      long cpuBefore = os.getProcessCpuTime();
      stage.startProcessor();
      for (Api api : APIS) {
        stage.reader().await("mx" + api.ordinal(), perApi, Duration.ofSeconds(seconds * 3L + 120));
      }
      double cpuSeconds = (os.getProcessCpuTime() - cpuBefore) / 1e9;
      Map<String, Object> figures = new LinkedHashMap<>();
      figures.put("latency ms", latency.toMillis());
      figures.put("limit per API", limit);
      figures.put("requests", perApi * APIS.length);
      boolean met = true;
      long calls = 0;
      for (Api api : APIS) {
        Arrivals arrivals = new Arrivals(stage.simulator().acceptedArrivals(api));
        double utilisation = arrivals.middleRate(0, 1) / limit;
        long throttled = stage.simulator().stats().get(api).throttled();
        calls += arrivals.count();
        figures.put(api.action() + " utilisation", Figures.round(utilisation));
        figures.put(api.action() + " throttled", throttled);
        met &= utilisation >= 0.95 && throttled == 0 && arrivals.busiestSecond() <= limit;
      }
      figures.put("CPU s per 1,000 calls", Figures.round(cpuSeconds * 1000 / calls));
      return new BenchRow("mixed", latency.toMillis() + " ms × " + limit + " QPS each", figures,
          "each API ≥ 0.95 first call to last, 0 throttled, busiest ≤ limit", met);
    }
  }
}
