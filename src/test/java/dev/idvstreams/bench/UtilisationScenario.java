package dev.idvstreams.bench;

import dev.idvstreams.api.Api;
import dev.idvstreams.simulator.Arrivals;
import dev.idvstreams.simulator.ApiStats;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * How much of an API's limit one processor uses, at API latencies of 50 ms to 3 s and limits of
 * 10 to 200 QPS: a backlog of at least a minute of calls waits on the topic before the processor
 * starts, and the simulator records when each accepted call arrived. The limit is the baseline.
 */
final class UtilisationScenario implements Scenario {

  static final int[] LATENCIES_MS = {50, 200, 1000, 3000};
  static final int[] LIMITS = {10, 50, 200};
  /**
   * Above {@code in-flight.max}'s default (256) so that limit × latency × headroom fits (200 QPS ×
   * 3 s × 1.5 = 900): the default would cap the rate at 256 / (1.5 × latency), a setting, not a cost.
   */
  static final String IN_FLIGHT_MAX = "1000";

  @Override
  public String name() {
    return "utilisation";
  }

  @Override
  public String description() {
    return "One processor, CredentialVerifyIntl only, a backlog of at least 60 s of calls waiting before it starts; "
        + "utilisation = calls per second over the middle 60% of the calls (by count) / the limit. 'ramp' is from "
        + "the first call to the end of the first 1-second window with 0.95 of the limit; 'from start' adds the "
        + "processor's start (the start scenario). in-flight.max=" + IN_FLIGHT_MAX + ".";
  }

  @Override
  public List<BenchRow> run(BenchSettings settings) throws Exception {
    List<BenchRow> rows = new ArrayList<>();
    for (int latency : LATENCIES_MS) {
      for (int limit : LIMITS) {
        if (settings.quick() && !(latency == 200 && limit == 50)) {
          continue;
        }
        rows.add(settings.measured(measure(settings, Duration.ofMillis(latency), limit, 3)));
      }
    }
    return rows;
  }

  /** One case: {@code partitions} partitions, one processor, the backlog, the arrivals. */
  static BenchRow measure(BenchSettings settings, Duration latency, int limit, int partitions) throws Exception {
    Api api = Api.CREDENTIAL_VERIFY_INTL;
    int seconds = settings.pick(60, 15);
    int requests = (int) (limit * (seconds + latency.toMillis() / 1000.0));
    StageSpec spec = StageSpec.of(api).withLatency(latency).withLimit(limit).withPartitions(partitions)
        .withOverride("in-flight.max", IN_FLIGHT_MAX);
    try (BenchStage stage = BenchStage.start(spec)) {
      stage.producer().sendAll(BenchRequests.valid(api, "u", requests));
      long started = System.nanoTime();
      stage.startProcessor();
      stage.reader().await("u", requests, Duration.ofSeconds(seconds * 3L + 120));
      Arrivals arrivals = new Arrivals(stage.simulator().acceptedArrivals(api));
      ApiStats.Snapshot stats = stage.simulator().stats().get(api);
      double utilisation = arrivals.middleRate(0.2, 0.8) / limit;
      double firstCall = arrivals.secondsUntilFirst(started);
      double fromStart = arrivals.secondsUntilRate(started, 0.95, limit);
      double ramp = fromStart - firstCall;
      double rampTarget = latency.toMillis() / 1000.0 + 2;
      Map<String, Object> figures = new LinkedHashMap<>();
      figures.put("latency ms", latency.toMillis());
      figures.put("limit", limit);
      figures.put("partitions", partitions);
      figures.put("requests", requests);
      figures.put("utilisation", Figures.round(utilisation));
      figures.put("ramp to 0.95 s", Figures.round(ramp));
      figures.put("from start s", Figures.round(fromStart));
      figures.put("throttled", stats.throttled());
      figures.put("busiest 1 s", arrivals.busiestSecond());
      boolean met = utilisation >= 0.97 && stats.throttled() == 0 && arrivals.busiestSecond() <= limit
          && ramp <= rampTarget;
      return new BenchRow("utilisation", latency.toMillis() + " ms × " + limit + " QPS" + (partitions == 3 ? "" : ", "
          + partitions + " partitions"), figures, "≥ 0.97, 0 throttled, busiest ≤ limit, ramp ≤ latency + 2 s", met);
    }
  }
}
