package dev.idvstreams.bench;

import dev.idvstreams.api.Api;
import dev.idvstreams.avro.VerificationRequest;
import dev.idvstreams.config.IdvConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Issue 9's duplicate path: records/s of exact duplicates answered from the dedup store (Avro,
 * exactly_once_v2, real broker), over a pass-through topology with the same serdes, guarantee,
 * partitions and records ({@link PassThroughTopology}). The store is warmed with distinct requests
 * first; then, with the processor stopped, the duplicates are written as a backlog and the
 * processor is started again (a new instance restoring the store from its changelog), and the rate
 * runs from the first replayed result to the last, by their record timestamps (the wall clock when
 * each was forwarded). The pass-through reads the same records, written before it starts, measured
 * the same way. A backlog written before either side reads keeps the producer's own pace (and CPU)
 * out of both figures. Once with the processor's default (requests re-keyed through its repartition
 * topic) and once with requests declared keyed by bizId (no repartition).
 */
final class DuplicatesScenario implements Scenario {

  private static final Api API = Api.CREDENTIAL_VERIFY_INTL;
  private static final double TARGET = 0.5;
  private static final int PARTITIONS = 3;
  /** High enough that warming the store takes seconds, not minutes; no call is made while measuring. */
  private static final int WARM_LIMIT = 500;

  @Override
  public String name() {
    return "duplicates";
  }

  @Override
  public String description() {
    return "Records/s of exact duplicates answered from the dedup store (Avro, exactly_once_v2, embedded broker, "
        + PARTITIONS + " partitions, backlog written before the processor restarts, first to last replayed result), over a pass-through "
        + "topology (same serdes, guarantee, partitions, records). Target: ratio >= 0.5.";
  }

  @Override
  public List<BenchRow> run(BenchSettings settings) throws Exception {
    int distinct = settings.pick(2_000, 500);
    // Enough that the pass-through takes about a second in a full run: the results' timestamps are
    // Kafka Streams' cached wall clock, which many records in a row may share, so a span of
    // milliseconds is too coarse to divide by (the quick run's 10,000 are a smoke check only).
    int duplicates = settings.pick(100_000, 10_000);
    List<BenchRow> rows = new ArrayList<>();
    rows.add(settings.measured(measure("default (repartitioned by bizId)", false, distinct, duplicates)));
    rows.add(settings.measured(measure("topic.requests.keyed-by-bizid=true", true, distinct, duplicates)));
    return rows;
  }

  private BenchRow measure(String label, boolean keyedByBizId, int distinct, int duplicates) throws Exception {
    StageSpec spec = StageSpec.of(API).withLimit(WARM_LIMIT).withPartitions(PARTITIONS)
        .withOverride(IdvConfig.TOPIC_REQUESTS_KEYED_BY_BIZID_CONFIG, String.valueOf(keyedByBizId));
    try (BenchStage stage = BenchStage.start(spec)) {
      List<VerificationRequest> originals = BenchRequests.valid(API, "dup", distinct);
      List<VerificationRequest> copies = new ArrayList<>(duplicates);
      for (int i = 0; i < duplicates; i++) {
        copies.add(originals.get(i % distinct)); // the same record again: same bizId, same content, same bytes
      }
      Duration timeout = Duration.ofSeconds(120 + duplicates / 200);

      stage.startProcessor();
      stage.warmUp(5, Duration.ofSeconds(120));
      stage.producer().sendAll(originals);
      stage.reader().await("dup", distinct, timeout);
      stage.stopProcessors();
      stage.producer().sendAll(copies);
      stage.startProcessor();
      List<TerminalEvent> events = stage.reader().await("dup", distinct + duplicates, timeout);
      stage.stopProcessors();
      List<Long> replayedAt = events.stream().filter(TerminalEvent::replayed).map(TerminalEvent::recordTimestamp).toList();
      long deadLetters = events.stream().filter(TerminalEvent::deadLetter).count();
      double dedup = Figures.spanRate(replayedAt);

      double passThrough = passThrough(stage, copies, timeout);
      double ratio = Figures.ratio(dedup, passThrough);
      Map<String, Object> figures = new LinkedHashMap<>();
      figures.put("distinct", distinct);
      figures.put("duplicates", duplicates);
      figures.put("replayed", replayedAt.size());
      figures.put("dead letters", deadLetters);
      figures.put("dedup records/s", Figures.round(dedup));
      figures.put("pass-through records/s", Figures.round(passThrough));
      figures.put("dedup/pass-through", Figures.round(ratio));
      return new BenchRow(name(), label, figures, "ratio >= " + TARGET, ratio >= TARGET);
    }
  }

  /**
   * The same records through the pass-through topology on the same broker, the processor stopped.
   * No warm-up of its own: the processor's run has loaded and compiled the same Kafka Streams code.
   */
  private static double passThrough(BenchStage stage, List<VerificationRequest> copies, Duration timeout)
      throws Exception {
    List<String> topics = stage.createTopics("passthrough.requests", "passthrough.results");
    stage.producer(topics.get(0)).sendAll(copies);
    TerminalReader reader = stage.reader(topics.get(1), null);
    try (BaselineApp app = BaselineApp.start(PassThroughTopology.build(topics.get(0), topics.get(1), stage.registry()),
        stage.streamsProperties("passthrough"), Duration.ofSeconds(60))) {
      List<TerminalEvent> events = reader.await("dup", copies.size(), timeout);
      return Figures.spanRate(events.stream().map(TerminalEvent::recordTimestamp).toList());
    }
  }
}
