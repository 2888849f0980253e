package dev.idvstreams.demo;

import dev.idvstreams.api.Api;
import dev.idvstreams.avro.CheckType;
import dev.idvstreams.avro.DeadLetter;
import dev.idvstreams.avro.VerificationResult;
import dev.idvstreams.config.IdvConfig;
import dev.idvstreams.serde.AvroSerde;
import dev.idvstreams.serde.SchemaRegistryClient;
import dev.idvstreams.simulator.ApiStats;
import java.io.PrintStream;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The demo's tally and summary: counts the results and dead letters of a {@link DemoBatch} as
 * they arrive, then prints per-API calls, peak QPS and utilisation, and whether every record
 * ended exactly once.
 */
public final class DemoSummary {

  private DemoSummary() {}

  /** Terminal events seen, by the bizId they answer ("(unreadable)" for DECODE dead letters). */
  public record Tally(Map<String, Integer> byKey, Map<String, Integer> results, Map<String, Integer> deadLetters, int replayed,
      Map<CheckType, CallSpan> spans) {
    int total() {
      return byKey.values().stream().mapToInt(Integer::intValue).sum();
    }
  }

  /**
   * Reads the result and dead-letter topics until every record of {@code batch} is accounted for
   * (and two seconds more, for duplicates) or {@code timeoutSeconds} have passed, printing a
   * {@link ProgressLine} each second with the calls per second that {@code stats} (the
   * simulator's counters) show against {@code limits}. Each event goes to {@code dump} too, if given.
   */
  public static Tally consume(IdvConfig config, List<DemoBatch.Item> batch, SchemaRegistryClient registry, PrintStream out,
      long started, int timeoutSeconds, Supplier<Map<Api, ApiStats.Snapshot>> stats, Map<Api, Integer> limits,
      java.util.Optional<EventDump> dump) {
    ProgressLine progress = new ProgressLine(batch.size(), limits);
    AvroSerde<VerificationResult> results = AvroSerde.forValues(VerificationResult.class, registry);
    AvroSerde<DeadLetter> deadLetters = AvroSerde.forValues(DeadLetter.class, registry);
    Tally tally = new Tally(new HashMap<>(), new TreeMap<>(), new TreeMap<>(), 0, new java.util.EnumMap<>(CheckType.class));
    int replayed = 0;
    Map<String, Object> props = new HashMap<>(config.kafkaClientProperties());
    props.put(ConsumerConfig.GROUP_ID_CONFIG, "idv-demo-summary");
    props.put(ConsumerConfig.AUTO_OFFSET_RESET_CONFIG, "earliest");
    props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
    long lastProgress = 0;
    // after the last expected event, keep reading a little: a duplicate event would show up there
    long settleUntil = Long.MAX_VALUE;
    try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(props, new StringDeserializer(), new ByteArrayDeserializer())) {
      consumer.subscribe(List.of(config.resultsTopic(), config.deadLetterTopic()));
      while (System.nanoTime() < Math.min(deadline, settleUntil)) {
        for (ConsumerRecord<String, byte[]> record : consumer.poll(Duration.ofMillis(200))) {
          if (record.topic().equals(config.resultsTopic())) {
            VerificationResult result = results.deserialize(record.topic(), record.value());
            dump.ifPresent(d -> d.event(record, result));
            tally.results().merge(result.getCheckType() + " " + result.getOutcome(), 1, Integer::sum);
            replayed += result.getReplayed() ? 1 : 0;
            if (!result.getReplayed()) {
              tally.spans().computeIfAbsent(result.getCheckType(), t -> new CallSpan()).add(result.getCompletedAt());
            }
            tally.byKey().merge(result.getBizId(), 1, Integer::sum);
          } else {
            DeadLetter letter = deadLetters.deserialize(record.topic(), record.value());
            dump.ifPresent(d -> d.event(record, letter));
            tally.deadLetters().merge(letter.getStage() + " " + letter.getErrorCode(), 1, Integer::sum);
            // a bizId over 64 characters names its letter in a bounded form; the request has it whole
            String bizId = letter.getRequest() != null ? letter.getRequest().getBizId() : letter.getBizId();
            tally.byKey().merge(bizId == null ? "(unreadable)" : bizId, 1, Integer::sum);
          }
        }
        if (tally.total() >= batch.size() && settleUntil == Long.MAX_VALUE) {
          settleUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        }
        long now = System.nanoTime();
        if (now - lastProgress > TimeUnit.SECONDS.toNanos(1)) {
          lastProgress = now;
          out.print(progress.render(now - started, tally.total(),
            tally.results().values().stream().mapToInt(Integer::intValue).sum(),
            tally.deadLetters().values().stream().mapToInt(Integer::intValue).sum(), stats.get(), now));
          out.flush();
        }
      }
    }
    out.println();
    return new Tally(tally.byKey(), tally.results(), tally.deadLetters(), replayed, tally.spans());
  }

  /** When the first and the last answer of one API came: the span its calls took. */
  static final class CallSpan {
    private Instant first;
    private Instant last;
    private int count;

    void add(Instant completedAt) {
      first = first == null || completedAt.isBefore(first) ? completedAt : first;
      last = last == null || completedAt.isAfter(last) ? completedAt : last;
      count++;
    }

    /** Answers per second between the first and the last; NaN with fewer than two. */
    double rate() {
      double seconds = Duration.between(first, last).toMillis() / 1000.0;
      return count < 2 || seconds <= 0 ? Double.NaN : (count - 1) / seconds;
    }
  }

  /** Prints the summary table; returns the exit code, 0 only when every record ended exactly once within the limits. */
  public static int summary(PrintStream out, List<DemoBatch.Item> batch, Tally tally, Map<Api, ApiStats.Snapshot> stats,
      Map<Api, Integer> limits, Duration took) {
    Map<DemoBatch.Kind, Integer> kinds = new TreeMap<>();
    Map<String, Integer> expected = new HashMap<>();
    for (DemoBatch.Item item : batch) {
      kinds.merge(item.kind(), 1, Integer::sum);
      expected.merge(item.bizId() == null ? "(unreadable)" : item.bizId(), 1, Integer::sum);
    }
    out.println();
    out.println("Records produced       " + batch.size() + "  " + kinds);
    out.println("Results                " + tally.results().values().stream().mapToInt(Integer::intValue).sum()
      + "  (" + tally.replayed() + " replayed from the dedup store)");
    tally.results().forEach((k, v) -> out.printf("  %-30s %5d%n", k, v));
    out.println("Dead letters           " + tally.deadLetters().values().stream().mapToInt(Integer::intValue).sum());
    tally.deadLetters().forEach((k, v) -> out.printf("  %-30s %5d%n", k, v));
    out.println();
    out.printf("%-22s %7s %9s %10s %9s %13s %6s %12s%n", "API", "calls", "accepted", "throttled", "repeated", "peak QPS (1s)",
      "limit", "utilisation");
    boolean withinLimits = true;
    for (Map.Entry<Api, ApiStats.Snapshot> e : stats.entrySet()) {
      ApiStats.Snapshot s = e.getValue();
      Integer limit = limits.getOrDefault(e.getKey(), s.qpsLimit());
      withinLimits &= s.maxCallsInAnyOneSecondWindow() <= limit;
      CallSpan span = tally.spans().get(e.getKey().checkType());
      double utilisation = span == null ? Double.NaN : span.rate() / limit;
      out.printf("%-22s %7d %9d %10d %9d %13d %6d %12.2f%n", e.getKey().action(), s.calls(), s.accepted(), s.throttled(),
        s.repeated(), s.maxCallsInAnyOneSecondWindow(), limit, utilisation);
    }
    out.println("(utilisation: answers per second between an API's first and last answer, over its limit)");
    out.println();
    int missing = 0;
    int extra = 0;
    for (Map.Entry<String, Integer> e : expected.entrySet()) {
      int seen = tally.byKey().getOrDefault(e.getKey(), 0);
      missing += Math.max(0, e.getValue() - seen);
      extra += Math.max(0, seen - e.getValue());
    }
    for (Map.Entry<String, Integer> e : tally.byKey().entrySet()) {
      if (!expected.containsKey(e.getKey())) {
        extra += e.getValue();
      }
    }
    out.printf("Took %.1f s. Accounted for: %d of %d records; missing %d, extra %d. Peak QPS within limits: %s.%n",
      took.toMillis() / 1000.0, tally.total(), batch.size(), missing, extra, withinLimits ? "yes" : "NO");
    boolean ok = missing == 0 && extra == 0 && withinLimits;
    out.println(ok ? "OK: every request ended exactly once as a result or a dead letter." : "FAILED: see above.");
    return ok ? 0 : 1;
  }
}
