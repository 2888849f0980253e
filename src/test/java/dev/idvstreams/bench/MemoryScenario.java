package dev.idvstreams.bench;

import dev.idvstreams.api.Api;
import dev.idvstreams.cli.ConsumerProgress;
import dev.idvstreams.cli.ProcessorProcess;
import dev.idvstreams.config.IdvConfig;
import dev.idvstreams.serde.ApicurioRegistry;
import dev.idvstreams.simulator.AccountState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.awaitility.Awaitility;

/**
 * The processor's heap after a full GC (its own JVM, -Xmx384m, read with jcmd) while few and
 * while many requests wait: behind the limit (they wait on the topic, Kafka Streams buffering a
 * bounded number per partition) and behind an API held by its breaker (they are read, parked in the
 * store and answered on recovery). The heap with 100 waiting is the baseline.
 */
final class MemoryScenario implements Scenario {

  private static final int FEW = 100;
  private static final Api API = Api.FACE_VERIFY;
  private static final int LIMIT = 5;
  /** Calls behind the limit before the heap is read: 18 s at {@link #LIMIT} calls per second. */
  private static final int STEADY_CALLS = 90;

  @Override
  public String name() {
    return "memory";
  }

  @Override
  public String description() {
    return "Heap after GC of a processor JVM (-Xmx384m, SerialGC) with " + FEW + " and with many requests waiting; "
        + "face checks (inline images) at 5 QPS behind the limit, and behind an account in debt (breaker open).";
  }

  @Override
  public List<BenchRow> run(BenchSettings settings) throws Exception {
    int many = settings.pick(100_000, 10_000);
    List<BenchRow> rows = new ArrayList<>();
    try (ApicurioRegistry registry = ApicurioRegistry.start()) {
      for (int partitions : settings.quick() ? new int[] {3} : new int[] {1, 3, 12}) {
        rows.add(settings.measured(measure(false, many, partitions, registry.ccompatUrl())));
        rows.add(settings.measured(measure(true, many, partitions, registry.ccompatUrl())));
      }
    }
    return rows;
  }

  static BenchRow measure(boolean held, int many, int partitions, String registryUrl) throws Exception {
    StageSpec spec = StageSpec.of(API).withLatency(Duration.ofMillis(50)).withLimit(LIMIT).withPartitions(partitions)
        .withOverride(IdvConfig.SCHEMA_REGISTRY_URL_CONFIG, registryUrl);
    try (BenchStage stage = BenchStage.start(spec)) {
      if (held) {
        stage.simulator().accountState(API, AccountState.IN_DEBT);
      }
      String group = stage.config().applicationId();
      String repartition = group + "-by-bizid-repartition";
      try (ProcessorProcess processor = ProcessorProcess.start("memory", stage.instanceProperties("memory"))) {
        stage.producer().sendAll(BenchRequests.valid(API, "few", FEW));
        settle(stage, held, group, repartition);
        long withFew = processor.heapAfterGc();
        for (int sent = 0; sent < many - FEW; sent += 10_000) {
          stage.producer().sendAll(BenchRequests.valid(API, "many-" + sent, Math.min(10_000, many - FEW - sent)));
        }
        settle(stage, held, group, repartition);
        long withMany = processor.heapAfterGc();
        processor.terminate();
        processor.awaitExit(Duration.ofSeconds(40));
        double growthMb = (withMany - withFew) / 1e6;
        Map<String, Object> figures = new LinkedHashMap<>();
        figures.put("waiting", many);
        figures.put("partitions", partitions);
        figures.put("heap with " + FEW + " MB", Figures.round(withFew / 1e6));
        figures.put("heap with many MB", Figures.round(withMany / 1e6));
        figures.put("growth MB", Figures.round(growthMb));
        return new BenchRow("memory", (held ? "behind a held API" : "behind the limit") + ", " + partitions + " partitions",
            figures, "growth < 64 MB", growthMb < 64);
      }
    }
  }

  /**
   * Held: until the processor has read and committed every request (they all wait in its store).
   * Behind the limit: requests are read only as calls free slots, so until the processor has made
   * {@link #STEADY_CALLS} more calls (18 s at the limit), long enough for the consumer to fill its
   * buffers and the rate to be steady.
   */
  private static void settle(BenchStage stage, boolean held, String group, String repartition) {
    if (held) {
      ConsumerProgress.awaitConsumed(stage.bootstrapServers(), group, repartition, Duration.ofMinutes(10));
    } else {
      long before = accepted(stage);
      Awaitility.await().atMost(Duration.ofMinutes(2)).pollInterval(Duration.ofMillis(200))
          .until(() -> accepted(stage) >= before + STEADY_CALLS);
    }
  }

  private static long accepted(BenchStage stage) {
    return stage.simulator().stats().get(API).accepted();
  }
}
