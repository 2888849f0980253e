package dev.idvstreams.bench;

import dev.idvstreams.api.Api;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Issue 9's added latency: for each request written at a steady half of the limit, result written
 * minus request written minus the simulated latency, both as record timestamps (the request's set
 * by its producer, the result's by the processor when it forwards it), with the processor's
 * defaults (exactly_once_v2, Kafka Streams' 100 ms commit interval). Also shown: the same from the
 * moment a read_committed consumer got the result, which adds the wait for the commit.
 */
final class OverheadScenario implements Scenario {

  private static final Api API = Api.CREDENTIAL_VERIFY_INTL;
  private static final Duration LATENCY = Duration.ofMillis(200);
  private static final int LIMIT = 20;
  private static final long TARGET_P99_MS = 150;

  @Override
  public String name() {
    return "overhead";
  }

  @Override
  public String description() {
    return "Added latency per request: result written - request written - simulated latency (" + LATENCY.toMillis()
        + " ms), requests at a steady half of the limit (" + LIMIT + "/s), default commit interval, "
        + API.action() + ". Target: p99 < " + TARGET_P99_MS + " ms.";
  }

  @Override
  public List<BenchRow> run(BenchSettings settings) throws Exception {
    int seconds = settings.pick(30, 10);
    double rate = LIMIT / 2.0;
    int requests = (int) (rate * seconds);
    StageSpec spec = StageSpec.of(API).withLatency(LATENCY).withLimit(LIMIT);
    try (BenchStage stage = BenchStage.start(spec)) {
      stage.startProcessor();
      stage.warmUp(5, Duration.ofSeconds(120));
      stage.producer().sendAtRate(BenchRequests.valid(API, "steady", requests), rate);
      List<TerminalEvent> events = stage.reader().await("steady", requests, Duration.ofSeconds(120));
      List<Long> written = new ArrayList<>();
      List<Long> visible = new ArrayList<>();
      for (TerminalEvent e : events) {
        if (!e.deadLetter()) {
          long requestAt = stage.producer().writtenAt(e.bizId());
          written.add(e.recordTimestamp() - requestAt - LATENCY.toMillis());
          visible.add(e.receivedAt() - requestAt - LATENCY.toMillis());
        }
      }
      double p99 = Figures.percentile(written, 99);
      Map<String, Object> figures = new LinkedHashMap<>();
      figures.put("latency ms", LATENCY.toMillis());
      figures.put("limit", LIMIT);
      figures.put("requests/s", rate);
      figures.put("answered", written.size());
      figures.put("dead letters", events.size() - written.size());
      figures.put("p50 ms", Figures.round(Figures.percentile(written, 50)));
      figures.put("p99 ms", Figures.round(p99));
      figures.put("max ms", Figures.round(Figures.percentile(written, 100)));
      figures.put("p50 ms, until read", Figures.round(Figures.percentile(visible, 50)));
      figures.put("p99 ms, until read", Figures.round(Figures.percentile(visible, 99)));
      figures.put("p99/latency", Figures.round(p99 / LATENCY.toMillis()));
      return List.of(settings.measured(new BenchRow(name(), requests + " requests over " + seconds + " s", figures,
          "p99 < " + TARGET_P99_MS + " ms", p99 < TARGET_P99_MS)));
    }
  }
}
