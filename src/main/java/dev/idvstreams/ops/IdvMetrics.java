package dev.idvstreams.ops;

import dev.idvstreams.avro.CheckType;
import dev.idvstreams.avro.DeadLetterStage;
import dev.idvstreams.avro.Outcome;
import dev.idvstreams.api.Api;
import dev.idvstreams.async.FailureKind;
import dev.idvstreams.topology.SkipReason;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import java.time.Duration;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.ToDoubleFunction;
import org.apache.kafka.streams.KafkaStreams;

/**
 * The processor's own meters, all named {@code idv.*}.
 *
 * <p>Every tag value is an enum constant's name: a closed set, so a tag can never carry personal
 * data (bizId, names, ID numbers) and the number of series stays fixed. The meters of known tag
 * combinations are registered up front, so each series exists from zero and rates are right from
 * the first scrape.
 *
 * <p>The gauges (in-flight calls, permitted rate, breaker) hold values the owners set when they
 * change, instead of reading the owners: a gauge registered again after a rebalance would keep
 * reading the first, stale owner, because Micrometer returns the meter already registered.
 */
public final class IdvMetrics {

  static final String RESULTS = "idv.results";
  static final String DEAD_LETTERS = "idv.dead.letters";
  static final String API_CALLS = "idv.api.calls";
  static final String API_RETRIES = "idv.api.retries";
  static final String API_IN_FLIGHT = "idv.api.in.flight";
  static final String API_PERMITTED_RATE = "idv.api.permitted.rate";
  static final String API_ARRIVAL_GUARD = "idv.api.arrival.guard.seconds";
  static final String API_BREAKER_OPEN = "idv.api.breaker.open";
  static final String API_PAUSED = "idv.api.paused";
  static final String BUDGET_DAILY = "idv.budget.daily";
  static final String BUDGET_RESERVED = "idv.budget.reserved";
  static final String BUDGET_SPENT = "idv.budget.spent";
  static final String LIMIT_PART = "idv.limit.part";
  static final String LIMIT_QPS = "idv.limit.qps";
  static final String REQUEST_LATENCY = "idv.request.latency";
  static final String LIMIT_DEMAND = "idv.limit.demand";
  static final String DEDUP_REPLAYS = "idv.dedup.replays";
  static final String DEDUP_PARKED = "idv.dedup.parked";
  static final String DEDUP_CONFLICTS = "idv.dedup.conflicts";
  static final String SKIPPED_RECORDS = "idv.skipped.records";

  /** The {@code outcome} tag of an API call that got an answer; failures carry their error class. */
  static final String SUCCESS = "SUCCESS";
  /** How often the Kafka clients' metrics are looked for anew (a new partition's lag, a new client). */
  private static final Duration KAFKA_METRICS_REFRESH = Duration.ofSeconds(10);

  private final MeterRegistry registry;
  private final Map<CheckType, Map<Outcome, Counter>> results = new EnumMap<>(CheckType.class);
  private final Map<DeadLetterStage, Counter> deadLetters = new EnumMap<>(DeadLetterStage.class);
  private final Map<Api, Counter> retries = new EnumMap<>(Api.class);
  private final Map<Api, AtomicInteger> inFlight = new EnumMap<>(Api.class);
  private final Map<Api, AtomicReference<Double>> permittedRate = new EnumMap<>(Api.class);
  private final Map<Api, AtomicReference<Double>> arrivalGuard = new EnumMap<>(Api.class);
  private final Map<Api, AtomicInteger> breakerOpen = new EnumMap<>(Api.class);
  private final Map<Api, AtomicInteger> paused = new EnumMap<>(Api.class);
  private final Map<Api, AtomicLong> budgetDaily = new EnumMap<>(Api.class);
  private final Map<Api, AtomicLong> budgetReserved = new EnumMap<>(Api.class);
  private final Map<Api, AtomicInteger> budgetSpent = new EnumMap<>(Api.class);
  private final Map<Api, AtomicInteger> limitPart = new EnumMap<>(Api.class);
  private final Map<Api, AtomicReference<Double>> limitQps = new EnumMap<>(Api.class);
  private final Map<CheckType, Timer> requestLatency = new EnumMap<>(CheckType.class);
  private final Map<Api, AtomicLong> limitDemand = new EnumMap<>(Api.class);
  private final Map<SkipReason, Counter> skipped = new EnumMap<>(SkipReason.class);
  private final Counter dedupReplays;
  private final Counter dedupParked;
  private final Counter dedupConflicts;

  public IdvMetrics(MeterRegistry registry) {
    this.registry = registry;
    for (CheckType checkType : CheckType.values()) {
      Map<Outcome, Counter> byOutcome = new EnumMap<>(Outcome.class);
      for (Outcome outcome : Outcome.values()) {
        byOutcome.put(outcome, Counter.builder(RESULTS)
            .description("Results published, by check type and outcome (replays included)")
            .tag("check.type", checkType.name()).tag("outcome", outcome.name())
            .register(registry));
      }
      results.put(checkType, byOutcome);
      requestLatency.put(checkType, Timer.builder(REQUEST_LATENCY)
          .description("From a request's requestedAt to its result's publication, for results of a call (replays "
              + "left out): what the requesting service waits, the producer's clock against this instance's")
          .tag("check.type", checkType.name())
          .publishPercentileHistogram()
          .minimumExpectedValue(Duration.ofMillis(10))
          .maximumExpectedValue(Duration.ofHours(1))
          .register(registry));
    }
    for (DeadLetterStage stage : DeadLetterStage.values()) {
      deadLetters.put(stage, Counter.builder(DEAD_LETTERS)
          .description("Dead letters published, by the stage where processing stopped")
          .tag("stage", stage.name())
          .register(registry));
    }
    for (SkipReason reason : SkipReason.values()) {
      skipped.put(reason, Counter.builder(SKIPPED_RECORDS)
          .description("Records that ended without a result or a dead letter: tombstones on the request topic, "
              + "events Kafka refused that no dead letter could replace")
          .tag("reason", reason.name())
          .register(registry));
    }
    for (Api api : Api.values()) {
      apiCallTimer(api, SUCCESS);
      retries.put(api, Counter.builder(API_RETRIES)
          .description("Retries scheduled after a retryable error")
          .tag("api", api.id())
          .register(registry));
      inFlight.put(api, gauge(API_IN_FLIGHT, "Calls in flight in this instance", api,
          new AtomicInteger(), AtomicInteger::get));
      permittedRate.put(api, gauge(API_PERMITTED_RATE, "Calls per second this instance's limiter permits now: its "
          + "share of the QPS limit, lowered after throttling; NaN until the limiter reports", api,
          new AtomicReference<>(Double.NaN), AtomicReference::get));
      arrivalGuard.put(api, gauge(API_ARRIVAL_GUARD, "How much more than a second separates a call from the call a "
          + "whole part of the limit before it: qps.arrival-guard.ms, wider after throttled answers; NaN until reported", api,
          new AtomicReference<>(Double.NaN), AtomicReference::get));
      breakerOpen.put(api, gauge(API_BREAKER_OPEN, "1 while the circuit breaker holds the API's requests "
          + "(open or half-open), else 0", api, new AtomicInteger(), AtomicInteger::get));
      paused.put(api, gauge(API_PAUSED, "1 while an operator has paused the API through the control topic: its "
          + "requests are held, none is called", api, new AtomicInteger(), AtomicInteger::get));
      budgetDaily.put(api, gauge(BUDGET_DAILY, "The day's call budget of the API in force, for the whole group "
          + "(budget.daily.<api>, or the control topic's); -1: none", api, new AtomicLong(-1), AtomicLong::get));
      budgetReserved.put(api, gauge(BUDGET_RESERVED, "Calls of today's budget the group has reserved, as this instance "
          + "read it: the calls made, and at most a block per instance not made yet", api, new AtomicLong(),
          AtomicLong::get));
      budgetSpent.put(api, gauge(BUDGET_SPENT, "1 while this instance holds the API's requests because the day's budget "
          + "is spent, else 0", api, new AtomicInteger(), AtomicInteger::get));
      limitPart.put(api, gauge(LIMIT_PART, "This instance's part of the group's QPS limit, in calls per second, as the "
          + "share log confirmed it (a raise reaches the limiter 1.5 s later)", api, new AtomicInteger(), AtomicInteger::get));
      limitQps.put(api, gauge(LIMIT_QPS, "The account's QPS limit for the API in force, which the group's parts add "
          + "up to at most (qps.<api>); NaN until set", api, new AtomicReference<>(Double.NaN), AtomicReference::get));
      limitDemand.put(api, gauge(LIMIT_DEMAND, "This instance's demand for the limit, as it tells the group: requests "
          + "waiting for a slot, attempts waiting for a token, and calls made in the last second (once nothing is left to "
          + "call, only as many as requests arrived in that second)", api, new AtomicLong(),
          AtomicLong::get));
    }
    dedupReplays = counter(DEDUP_REPLAYS, "Exact duplicates answered from the deduplication store");
    dedupParked = counter(DEDUP_PARKED, "Exact duplicates parked until the first call completes");
    dedupConflicts = counter(DEDUP_CONFLICTS, "Requests reusing a bizId with different content");
  }

  /** A result was published. */
  public void resultPublished(CheckType checkType, Outcome outcome) {
    results.get(checkType).get(outcome).increment();
  }

  /** A result of a call (not a replay) was published, {@code latency} after its request's requestedAt. */
  public void requestAnswered(CheckType checkType, Duration latency) {
    if (!latency.isNegative()) {
      requestLatency.get(checkType).record(latency);
    }
  }

  /** {@code api}'s budget in force, what the group reserved of it today, and whether it is spent here. */
  public void setBudget(Api api, long daily, long reserved, boolean spent) {
    budgetDaily.get(api).set(daily);
    budgetReserved.get(api).set(reserved);
    budgetSpent.get(api).set(spent ? 1 : 0);
  }

  /** Whether {@code api} is paused through the control topic now. */
  public void setPaused(Api api, boolean isPaused) {
    paused.get(api).set(isPaused ? 1 : 0);
  }

  /** The account's QPS limit for {@code api} now in force. */
  public void setLimitQps(Api api, double qps) {
    limitQps.get(api).set(qps);
  }

  /** A dead letter was published. */
  public void deadLettered(DeadLetterStage stage) {
    deadLetters.get(stage).increment();
  }

  /** A call got an answer the processor can use (any business outcome, INPUT_REJECTED excluded). */
  public void apiCallSucceeded(Api api, Duration latency) {
    apiCallTimer(api, SUCCESS).record(latency);
  }

  /**
   * A call failed; {@code kind} is what the retry policy made of it (THROTTLED, TRANSIENT,
   * REPEATED, INPUT_REJECTED, ACCOUNT, or FATAL for an error no class covers). Network errors and
   * timeouts are TRANSIENT.
   */
  public void apiCallFailed(Api api, FailureKind kind, Duration latency) {
    apiCallTimer(api, kind.name()).record(latency);
  }

  /** A retry of a call to {@code api} was scheduled. */
  public void retryScheduled(Api api) {
    retries.get(api).increment();
  }

  /** The calls to {@code api} now in flight in this instance. */
  public void setInFlight(Api api, int calls) {
    inFlight.get(api).set(calls);
  }

  /** The rate, in calls per second, that this instance's limiter for {@code api} permits now. */
  /** This instance's part of {@code api}'s limit, as the share log confirmed it. */
  public void setLimitPart(Api api, int callsPerSecond) {
    limitPart.get(api).set(callsPerSecond);
  }

  /** This instance's demand for {@code api}'s limit, as it last measured it. */
  public void setLimitDemand(Api api, long demand) {
    limitDemand.get(api).set(demand);
  }

  public void setPermittedRate(Api api, double callsPerSecond) {
    permittedRate.get(api).set(callsPerSecond);
  }

  /** The arrival guard of {@code api}'s limiter now, in seconds. */
  public void setArrivalGuard(Api api, double seconds) {
    arrivalGuard.get(api).set(seconds);
  }

  /** Whether the breaker of {@code api} holds its requests; half-open counts as open, it still holds them. */
  public void setBreakerOpen(Api api, boolean open) {
    breakerOpen.get(api).set(open ? 1 : 0);
  }

  /** An exact duplicate was answered from the store. */
  public void dedupReplayed() {
    dedupReplays.increment();
  }

  /** An exact duplicate of a call still in flight was parked. */
  public void dedupParked() {
    dedupParked.increment();
  }

  /** A record ended without an event. */
  public void recordSkipped(SkipReason reason) {
    skipped.get(reason).increment();
  }

  /** A bizId came again with different content. */
  public void dedupConflict() {
    dedupConflicts.increment();
  }

  /**
   * Binds the Kafka Streams client metrics ({@code kafka.stream.*}, consumer, producer) of
   * {@code streams} to this registry. Close the returned binder when {@code streams} is closed: it
   * stops its refresh task and removes the meters.
   */
  public KafkaStreamsMetrics bindKafkaStreams(KafkaStreams streams) {
    // Micrometer looks for new Kafka metrics every 60 s by default: a partition's lag would appear on
    // the dashboard a minute after a rebalance gave it; every 10 s costs little
    ScheduledExecutorService refresh = Executors.newSingleThreadScheduledExecutor(task -> {
      Thread thread = new Thread(task, "idv-kafka-metrics");
      thread.setDaemon(true);
      return thread;
    });
    KafkaStreamsMetrics binder = new KafkaStreamsMetrics(streams, List.of(), refresh, KAFKA_METRICS_REFRESH);
    binder.bindTo(registry);
    return binder;
  }

  /** Micrometer returns the registered timer for a name and tags, so this registers only once. */
  private Timer apiCallTimer(Api api, String outcome) {
    return Timer.builder(API_CALLS)
        .description("API calls, by API and outcome: SUCCESS or the error class")
        .tag("api", api.id()).tag("outcome", outcome)
        .register(registry);
  }

  private Counter counter(String name, String description) {
    return Counter.builder(name).description(description).register(registry);
  }

  /** Micrometer holds gauge state weakly; the maps of this class hold it strongly. */
  private <T> T gauge(String name, String description, Api api, T state, ToDoubleFunction<T> value) {
    Gauge.builder(name, state, value).description(description).tag("api", api.id()).register(registry);
    return state;
  }
}
