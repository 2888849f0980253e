package dev.idvstreams.topology;

import dev.idvstreams.headers.CarriedHeaders;
import dev.idvstreams.api.Api;
import dev.idvstreams.async.CancelScope;
import dev.idvstreams.async.CompletionHandle;
import dev.idvstreams.async.InFlightQueue;
import dev.idvstreams.avro.CarriedHeader;
import dev.idvstreams.avro.DeadLetter;
import dev.idvstreams.avro.DeadLetterStage;
import dev.idvstreams.avro.DedupEntry;
import dev.idvstreams.avro.DedupStatus;
import dev.idvstreams.avro.ParkedDuplicate;
import dev.idvstreams.avro.VerificationRequest;
import dev.idvstreams.avro.VerificationResult;
import dev.idvstreams.check.CheckInvoker;
import dev.idvstreams.check.Checks;
import dev.idvstreams.check.Settlement;
import io.vertx.core.Future;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.streams.processor.Cancellable;
import org.apache.kafka.streams.processor.PunctuationType;
import org.apache.kafka.streams.processor.api.Processor;
import org.apache.kafka.streams.processor.api.ProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.processor.api.RecordMetadata;
import org.apache.kafka.streams.state.KeyValueIterator;
import org.apache.kafka.streams.state.KeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Deduplicates requests by bizId and calls the API for new ones, publishing one terminal event per
 * request: a {@link VerificationResult} or a {@link DeadLetter}.
 *
 * <p>The lifecycle of a bizId's entry in the dedup store:
 * <pre>
 * state          | event                                  | next state  | what is published
 * ---------------+----------------------------------------+-------------+----------------------------------
 * no entry       | request (START)                        | IN_FLIGHT   | nothing yet; the call starts or waits
 * IN_FLIGHT      | same record again (REDELIVERED)        | IN_FLIGHT   | nothing; calling or waiting again
 * IN_FLIGHT      | exact duplicate (PARK)                 | IN_FLIGHT   | nothing; parked with the entry
 * IN_FLIGHT      | parked duplicate again (ALREADY_PARKED)| IN_FLIGHT   | nothing
 * IN_FLIGHT      | other content (CONFLICT)               | IN_FLIGHT   | DEDUP_CONFLICT dead letter
 * IN_FLIGHT      | call answered                          | COMPLETED   | the result, and a replay per parked duplicate
 * IN_FLIGHT      | call failed (PROVIDER)                 | no entry    | a dead letter, and one per parked duplicate
 *                |   under at_least_once                  | DEAD_LETTERED | the same
 * IN_FLIGHT      | task starts (restart, migration)       | IN_FLIGHT   | nothing; waits for a slot, then calls again
 * COMPLETED      | exact duplicate (REPLAY)               | COMPLETED   | the stored result, replayed=true
 * COMPLETED      | same record again (REDELIVERED)        | COMPLETED   | nothing (the result is out, or unconfirmed)
 * COMPLETED      | VerifyMaterial, not PASS (RESUBMIT)    | IN_FLIGHT   | nothing yet; a new call
 * COMPLETED      | other content (CONFLICT)               | COMPLETED   | DEDUP_CONFLICT dead letter
 * COMPLETED      | older than dedup.ttl (purge)           | no entry    | nothing
 * DEAD_LETTERED  | a commit confirms its dead letters     | no entry    | nothing
 * DEAD_LETTERED  | same record or parked one again        | DEAD_LETTERED | nothing (its dead letters are unconfirmed)
 * DEAD_LETTERED  | any other request (START)              | IN_FLIGHT   | nothing yet; a new call
 * any            | task starts with unconfirmed events    | the same    | those events again (at_least_once only)
 * </pre>
 * {@link DedupDecision#decide} names the case of an incoming record; {@link #process} only carries
 * it out. An IN_FLIGHT entry is written before its call starts, in the same task as the input
 * offset, so a crash never loses a call: every IN_FLIGHT entry is called again when its task
 * starts. No entry is kept after a PROVIDER failure, so a dead letter replayed by an operator is
 * called again.
 *
 * <p>The events of an ended call are published from here, long after the offset of the record that
 * started it was committed; {@link EventDelivery} says what makes sure they are written. Under
 * at_least_once the entry keeps them as {@code unconfirmed} until {@link CommitConfirmations} sees
 * a commit after them (a DEAD_LETTERED entry, kept only for that, is then deleted), and a task that
 * starts publishes every unconfirmed event again.
 *
 * <p>Threads: calls complete on Vert.x threads; their settlements wait in each API's
 * {@link ApiSlots} and are forwarded only here, on the stream thread, from {@link #process} and a
 * wall-clock punctuator. At an API's in-flight bound, {@link #process} waits for a completion,
 * which stops the task from consuming: backpressure, within the stream thread's budget of
 * {@link ProcessingControl}; past it the request waits in the store.
 *
 * <p>The processor owns its calls: they run in its {@link CancelScope}, which {@link #close()}
 * cancels (a rebalance, a migration, a revival, a shutdown), so no call of a closed task goes on
 * beside the next owner's; a late answer is dropped. Their IN_FLIGHT entries are the next owner's.
 */
final class VerifyProcessor implements Processor<String, VerificationRequest, String, SpecificRecord> {

  private static final Logger LOG = LoggerFactory.getLogger(VerifyProcessor.class);
  private static final Duration BACKPRESSURE_POLL = Duration.ofMillis(50);
  /** Expired entries the purge deletes per step: a few milliseconds of the stream thread. */
  private static final int PURGE_STEP_ENTRIES = 1_000;
  /**
   * Entries of a store written before the index that one step indexes. Fewer than the purge's:
   * every entry is read and decoded, and a large store (a million entries) indexed 1,000 at a time
   * kept the stream thread so busy that its first result came 7 s later (the start benchmark).
   */
  private static final int INDEX_STEP_ENTRIES = 200;

  private final String storeName;
  private final CheckInvoker invoker;
  private final TopologyListener listener;
  private final Duration ttl;
  private final Duration purgeInterval;
  private final Duration completionInterval;
  private final ProcessingControl control;
  private final TakeTurns turns;
  private final EventDelivery delivery;
  private final CommitCounter commitCounter;
  private final PoisonGuard guard;
  private final Map<Api, ApiSlots> slots = new EnumMap<>(Api.class);
  /** This task's waiting requests, as {@link TakeTurns} sees them. */
  private final TakeTurns.Line line = new TakeTurns.Line() {
    @Override
    public boolean startNext(Api api) {
      return slots.get(api).startNext(bizId -> {
        DedupEntry entry = store.get(bizId);
        return entry == null || entry.getStatus() != DedupStatus.IN_FLIGHT ? null : entry.getRequest();
      }, VerifyProcessor.this::call);
    }

    @Override
    public boolean waitsWithNoneStarted(Api api) {
      return slots.get(api).waitsWithNoneStarted();
    }
  };
  /** This task's calls; a new scope at each init: Kafka Streams may init a closed processor again (revival, resumption). */
  private CancelScope calls;
  /** This task's calls started and not yet drained, as counted in {@link ProcessingControl#callsInFlight()}. */
  private int callsNotDrained;
  private final CommitPacer commits;
  /** Under at_least_once: the bizIds whose events wait for a commit; null under exactly_once_v2. */
  private CommitConfirmations confirmations;
  /** bizIds found at init with unconfirmed events, published again from the first punctuation (init has no record context). */
  private final List<String> toPublishAgain = new ArrayList<>();

  private ProcessorContext<String, SpecificRecord> context;
  private KeyValueStore<String, DedupEntry> store;
  private DedupIndex index;
  /** Open index keys found at start without their reason, dropped from the first punctuation (init cannot write). */
  private final List<String> staleOpenKeys = new ArrayList<>();
  /** Whether the store, written before the index existed, is being indexed; and where the next step starts. */
  private boolean indexing;
  private String indexFrom;
  private boolean purging;
  /** Whether this task is counted in {@link ProcessingControl#hasWork()} for its background work. */
  private boolean countedAsBackgroundWork;
  /** The completion punctuator while it is scheduled ({@link #punctuateWhileThereIsWork()}), else null. */
  private Cancellable completionPunctuation;
  private long purgeCutoff;
  private int purged;

  VerifyProcessor(String storeName, CheckInvoker invoker, TopologyListener listener, Duration ttl, Duration purgeInterval,
      Duration completionInterval, ProcessingControl control, TakeTurns turns, EventDelivery delivery,
      CommitCounter commitCounter, PoisonGuard guard) {
    this.storeName = storeName;
    this.invoker = invoker;
    this.listener = listener;
    this.ttl = ttl;
    this.purgeInterval = purgeInterval;
    this.completionInterval = completionInterval;
    this.commits = new CommitPacer(completionInterval);
    this.control = control;
    this.turns = turns;
    this.delivery = delivery;
    this.commitCounter = commitCounter;
    this.guard = guard;
  }

  @Override
  public void init(ProcessorContext<String, SpecificRecord> context) {
    this.context = context;
    this.store = context.getStateStore(storeName);
    this.index = new DedupIndex(context.getStateStore(DedupIndex.STORE));
    this.calls = new CancelScope();
    this.callsNotDrained = 0;
    this.purging = false;
    this.toPublishAgain.clear();
    this.staleOpenKeys.clear();
    this.confirmations = delivery == EventDelivery.CONFIRMED_BY_COMMIT
      ? new CommitConfirmations(commitCounter.of(context.metrics())) : null;
    for (Api api : Api.values()) {
      slots.put(api, new ApiSlots(api, invoker.inFlightBound(api), control.backlog()));
    }
    // restored calls may not be forwarded from init (no record context): the punctuator starts them
    indexing = !index.isBuilt();
    indexFrom = null;
    if (indexing) {
      // written before the index existed (or new and empty): read once, and indexed by the punctuator
      try (KeyValueIterator<String, DedupEntry> entries = store.all()) {
        entries.forEachRemaining(kv -> resume(kv.key, kv.value));
      }
    } else {
      for (String bizId : index.openBizIds()) {
        if (!resume(bizId, store.get(bizId))) {
          staleOpenKeys.add(bizId);
        }
      }
    }
    int restored = slots.values().stream().mapToInt(ApiSlots::waitingCount).sum();
    if (restored > 0) {
      LOG.info("Task {}: calling {} in-flight request(s) again after a restart or migration", context.taskId(), restored);
    }
    if (!toPublishAgain.isEmpty()) {
      LOG.info("Task {}: publishing the events of {} ended call(s) again: no commit confirmed them before the task stopped",
        context.taskId(), toPublishAgain.size());
    }
    turns.join(line);
    backgroundWorkChanged();
    completionPunctuation = null;
    punctuateWhileThereIsWork();
    context.schedule(purgeInterval, PunctuationType.WALL_CLOCK_TIME, this::startPurge);
  }

  /**
   * Schedules the completion punctuator unless it runs: it runs only while this task has work for
   * it, and cancels itself once the task has none. A punctuation marks the task as needing a
   * commit, so an idle task punctuating every 20 ms made its thread commit a transaction at every
   * loop (docs/performance.md, "CPU: idle and per call"). Called wherever work may begin: at init,
   * after each record, when a purge starts.
   */
  private void punctuateWhileThereIsWork() {
    if (completionPunctuation != null || !hasWorkForPunctuation()) {
      return;
    }
    completionPunctuation = context.schedule(completionInterval, PunctuationType.WALL_CLOCK_TIME, now -> {
      control.loopPassed();
      if (!hasWorkForPunctuation()) {
        // idle: nothing in flight, nothing waiting, nothing of its own to do
        if (completionPunctuation != null) {
          completionPunctuation.cancel();
          completionPunctuation = null;
        }
        return;
      }
      dropStaleOpenKeys();
      publishAgain();
      confirmWritten();
      drainCompletions();
      startWaiting();
      if (indexing) {
        indexFrom = index.buildStep(store, indexFrom, INDEX_STEP_ENTRIES);
        indexing = indexFrom != null;
      }
      if (purging) {
        purgeStep();
      }
      backgroundWorkChanged();
    });
  }

  /** Whether the completion punctuator has anything to do in this task. */
  private boolean hasWorkForPunctuation() {
    if (callsNotDrained > 0 || hasBackgroundWork() || (confirmations != null && confirmations.pending() > 0)) {
      return true;
    }
    for (ApiSlots apiSlots : slots.values()) {
      if (apiSlots.waitingCount() > 0) {
        return true;
      }
    }
    return false;
  }

  /** Work of this task's own that the punctuator does in steps, besides calls. */
  private boolean hasBackgroundWork() {
    return indexing || purging || !toPublishAgain.isEmpty() || !staleOpenKeys.isEmpty();
  }

  /** Tells {@link ProcessingControl} whether this task has background work, so that its thread polls briefly until it is done. */
  private void backgroundWorkChanged() {
    boolean now = hasBackgroundWork();
    if (now != countedAsBackgroundWork) {
      countedAsBackgroundWork = now;
      control.backgroundWorkChanged(now ? 1 : -1);
    }
  }

  /**
   * What a starting task does for an entry that may want it: an IN_FLIGHT one waits for a slot to
   * be called again, unconfirmed events are published again.
   *
   * @return whether the entry wanted anything
   */
  private boolean resume(String bizId, DedupEntry entry) {
    if (entry == null) {
      return false;
    }
    if (entry.getStatus() == DedupStatus.IN_FLIGHT) {
      slots.get(Checks.apiOf(entry.getRequest())).await(bizId, Backlog.bytesOf(entry.getRequest()));
    }
    if (!entry.getUnconfirmed().isEmpty()) {
      toPublishAgain.add(bizId);
    }
    return DedupIndex.Keys.of(bizId, entry).open() != null;
  }

  /** Drops the open keys that wanted nothing at start, unless a request since has opened them again. */
  private void dropStaleOpenKeys() {
    for (String bizId : staleOpenKeys) {
      if (DedupIndex.Keys.of(bizId, store.get(bizId)).open() == null) {
        index.dropOpen(bizId);
      }
    }
    staleOpenKeys.clear();
  }

  /**
   * What of an entry is worth keeping: nothing of a failed call whose dead letters need no
   * confirmation (any longer), so that a dead-lettered request replayed by an operator is called
   * again.
   */
  private static DedupEntry kept(DedupEntry entry) {
    return entry.getStatus() == DedupStatus.DEAD_LETTERED && entry.getUnconfirmed().isEmpty() ? null : entry;
  }

  /** Every write of the dedup store goes through here, so that its index follows. */
  private void write(String bizId, DedupIndex.Keys before, DedupEntry after) {
    if (after == null) {
      store.delete(bizId);
    } else {
      store.put(bizId, after);
    }
    index.update(before, DedupIndex.Keys.of(bizId, after));
  }

  @Override
  public void process(Record<String, VerificationRequest> record) {
    confirmWritten();
    drainCompletions();
    startWaiting();
    RecordMetadata source = context.recordMetadata().orElseThrow();
    try {
      guard.process(source, record.value(), context.currentSystemTimeMs(),
        () -> verify(record.value(), source, record.headers()), letter -> forward(letter.getBizId(), letter, record.headers()));
    } finally {
      punctuateWhileThereIsWork();
    }
  }

  /** @param headers the request's carried headers (AdmitProcessor kept only those) */
  private void verify(VerificationRequest request, RecordMetadata source, Headers headers) {
    SourcePosition position = SourcePosition.of(source);
    byte[] fingerprint = RequestFingerprint.of(request);
    DedupEntry entry = store.get(request.getBizId());

    switch (DedupDecision.decide(entry, position, fingerprint, request)) {
      case START -> start(entry, request, fingerprint, position, headers);
      case REDELIVERED -> redelivered(entry);
      case ALREADY_PARKED -> LOG.debug("Duplicate of bizId {} at offset {} already parked", request.getBizId(),
        position.offset());
      case REPLAY -> forward(entry.getBizId(), replayOf(entry.getVerificationResult()), headers);
      case PARK -> park(entry, position, headers);
      case RESUBMIT -> {
        LOG.debug("bizId {}: VerifyMaterial resubmitted after {}, calling again", request.getBizId(),
          entry.getVerificationResult().getOutcome());
        start(entry, request, fingerprint, position, headers);
      }
      case CONFLICT -> forward(request.getBizId(), deadLetter(request, position, DeadLetterStage.DEDUP_CONFLICT,
        "DEDUP_CONFLICT", "bizId " + request.getBizId() + " was already used for a different request", null, 0), headers);
    }
  }

  /** @param previous the entry this one replaces (resubmitted, or dead-lettered), or null: its unconfirmed events stay */
  private void start(DedupEntry previous, VerificationRequest request, byte[] fingerprint, SourcePosition position,
      Headers headers) {
    long now = context.currentSystemTimeMs();
    write(request.getBizId(), DedupIndex.Keys.of(request.getBizId(), previous), DedupEntry.newBuilder()
      .setBizId(request.getBizId())
      .setFingerprint(ByteBuffer.wrap(fingerprint))
      .setStatus(DedupStatus.IN_FLIGHT)
      .setRequest(request)
      .setSourceTopic(position.topic())
      .setSourcePartition(position.partition())
      .setSourceOffset(position.offset())
      .setParked(new ArrayList<>())
      .setHeaders(CarriedHeaders.toAvro(headers))
      .setUnconfirmed(previous == null ? new ArrayList<>() : previous.getUnconfirmed())
      .setUnconfirmedHeaders(previous == null ? new ArrayList<>() : previous.getUnconfirmedHeaders())
      .setCreatedAt(Instant.ofEpochMilli(now))
      .setUpdatedAt(Instant.ofEpochMilli(now))
      .build());
    Api api = Checks.apiOf(request);
    // behind this task's waiting requests; the thread's tasks take turns (TakeTurns)
    slots.get(api).await(request.getBizId(), Backlog.bytesOf(request));
    if (!control.mayStartCalls()) {
      return; // stored: called once the rebalance is over, or by the next owner
    }
    startByTurns(api);
    // Backpressure comes from how much waits in all, never from this API's room: a request whose
    // API is at its bound, held by its breaker or out of its share waits in the store while the
    // thread goes on to the next record, whatever its API
    long giveUpAt = System.nanoTime() + control.blockingBudgetNanos();
    while (control.backlog().isFull() && System.nanoTime() < giveUpAt) {
      awaitAnyCompletion(giveUpAt);
      startWaiting();
    }
  }

  private void call(VerificationRequest request, CompletionHandle<Settlement> handle) {
    if (LOG.isTraceEnabled()) { // a call's hot path: the API is not looked up for a line not written
      LOG.trace("Task {}: calling {} for bizId {}", context.taskId(), Checks.apiOf(request).action(), request.getBizId());
    }
    callsNotDrained++;
    control.callsChanged(1);
    Future<Settlement> call;
    try {
      call = invoker.invoke(request, calls);
    } catch (RuntimeException | Error e) {
      // thrown before the call could start, here or from a punctuation that restarts it: the
      // request's own failure, ended as a failed call ends, never a stopped stream thread
      call = Future.failedFuture(e);
    }
    call.onComplete(result -> handle.complete(result.succeeded() ? result.result()
      : new Settlement.Failed("INTERNAL_ERROR", "call failed unexpectedly: " + result.cause().getClass().getSimpleName(),
        null, 0, Duration.ZERO)));
  }

  /** Waits until a call of this task completes (of whichever API), or the time passes; then drains. */
  private void awaitAnyCompletion(long giveUpAtNanos) {
    long left = giveUpAtNanos - System.nanoTime();
    Duration step = Duration.ofNanos(Math.max(0, Math.min(left, BACKPRESSURE_POLL.toNanos())));
    try {
      ApiSlots busiest = slots.values().stream().max(Comparator.comparingInt(ApiSlots::callingCount)).orElseThrow();
      busiest.awaitCompletion(step);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new org.apache.kafka.common.errors.InterruptException(e);
    }
    drainCompletions();
  }

  private void redelivered(DedupEntry entry) {
    if (entry.getStatus() == DedupStatus.IN_FLIGHT) {
      slots.get(Checks.apiOf(entry.getRequest())).await(entry.getBizId(), Backlog.bytesOf(entry.getRequest()));
      // at_least_once: the index write of the record's first reading may be lost with the crash
      index.put(DedupIndex.Keys.of(entry.getBizId(), entry));
    }
    // ended (at_least_once only: the call ended before the offset was committed): its events were
    // written, or are unconfirmed in the entry and published again when the task starts
  }

  private void park(DedupEntry entry, SourcePosition position, Headers headers) {
    DedupIndex.Keys before = DedupIndex.Keys.of(entry.getBizId(), entry);
    entry.getParked().add(position.toParked(CarriedHeaders.toAvro(headers)));
    entry.setUpdatedAt(Instant.ofEpochMilli(context.currentSystemTimeMs()));
    write(entry.getBizId(), before, entry);
    listener.duplicateParked();
  }

  /** Starts waiting requests while their API has free slots, the thread's tasks by turns; each API on its own. */
  private void startWaiting() {
    if (!control.mayStartCalls()) {
      return;
    }
    for (Api api : slots.keySet()) {
      startByTurns(api);
    }
  }

  /** Starts the thread's waiting requests of the API by turns of its tasks ({@link TakeTurns}). */
  private void startByTurns(Api api) {
    turns.serve(api, () -> invoker.hasCapacity(api), () -> invoker.isBelowMax(api));
  }

  private void drainCompletions() {
    int before = callsNotDrained;
    for (Map.Entry<Api, ApiSlots> apiSlots : slots.entrySet()) {
      Api api = apiSlots.getKey();
      apiSlots.getValue().drainCompleted(c -> completeOrDeadLetter(api, c));
      apiSlots.getValue().setBound(invoker.inFlightBound(api));
    }
    if (callsNotDrained < before) {
      commits.written(context);
    }
  }

  /**
   * Ends a call; if that fails for the call's own sake (its result cannot be stored or
   * forwarded), the request ends as an INTERNAL dead letter and its entry is deleted, so the
   * punctuation, which has no record for the processing-exception handler, never fails on it
   * again. Failures of the state or the registry still stop the thread ({@link Failures#notTheRecords}).
   */
  private void completeOrDeadLetter(Api api, InFlightQueue.Completion<String, Settlement> completion) {
    try {
      complete(api, completion);
    } catch (RuntimeException e) {
      if (Failures.notTheRecords(e)) {
        throw e;
      }
      String bizId = completion.key();
      LOG.error("Ending the call of bizId {} failed with {}: dead-lettered", bizId, Failures.describe(e));
      DedupEntry entry = store.get(bizId);
      write(bizId, DedupIndex.Keys.of(bizId, entry), null);
      VerificationRequest request = entry == null ? null : entry.getRequest();
      SourcePosition position = entry == null ? null : SourcePosition.of(entry);
      forward(bizId, DeadLetters.builder(DeadLetterStage.INTERNAL, "PROCESSING_FAILED", "ending the call failed with "
            + Failures.describe(e), position == null ? null : position.topic(),
            position == null ? -1 : position.partition(), position == null ? -1 : position.offset(),
            context.currentSystemTimeMs())
        .setBizId(bizId)
        .setRequest(request)
        .build(), CarriedHeaders.fromAvro(entry == null ? null : entry.getHeaders()));
    }
  }

  private void complete(Api api, InFlightQueue.Completion<String, Settlement> completion) {
    callsNotDrained--;
    control.callsChanged(-1);
    control.callSettled();
    String bizId = completion.key();
    Settlement settlement = completion.value();
    invoker.recordServiceTime(api, settlement.serviceTime());
    DedupEntry entry = store.get(bizId);
    if (entry == null || entry.getStatus() != DedupStatus.IN_FLIGHT) {
      LOG.warn("Completion for bizId {} without an in-flight entry: ignored", bizId);
      return;
    }
    DedupIndex.Keys before = DedupIndex.Keys.of(bizId, entry);
    List<ParkedDuplicate> parked = entry.getParked();
    // each event goes out with the headers of the request it answers: the call's own, then each parked duplicate's
    List<SpecificRecord> events = new ArrayList<>();
    List<List<CarriedHeader>> headers = new ArrayList<>();
    headers.add(entry.getHeaders());
    parked.forEach(duplicate -> headers.add(duplicate.getHeaders()));
    if (settlement instanceof Settlement.Answered answered) {
      VerificationResult result = answered.result();
      events.add(result);
      for (int i = 0; i < parked.size(); i++) {
        events.add(replayOf(result));
      }
      entry.setStatus(DedupStatus.COMPLETED);
      entry.setVerificationResult(result);
      entry.setParked(new ArrayList<>());
    } else if (settlement instanceof Settlement.Failed failed) {
      events.add(providerDeadLetter(entry.getRequest(), SourcePosition.of(entry), failed));
      for (ParkedDuplicate duplicate : parked) {
        events.add(providerDeadLetter(entry.getRequest(), SourcePosition.of(duplicate), failed));
      }
      // parked positions kept: a parked duplicate read again is not a new request
      entry.setStatus(DedupStatus.DEAD_LETTERED);
    }
    entry.setRequest(null); // images can be large; the fingerprint is all dedup needs now
    entry.setUpdatedAt(Instant.ofEpochMilli(context.currentSystemTimeMs()));
    if (confirmations != null) {
      entry.getUnconfirmed().addAll(UnconfirmedEvents.compact(events));
      entry.getUnconfirmedHeaders().addAll(headers);
      confirmations.published(bizId);
    }
    write(bizId, before, kept(entry));
    for (int i = 0; i < events.size(); i++) {
      forward(bizId, events.get(i), CarriedHeaders.fromAvro(headers.get(i)));
    }
  }

  /** Publishes again the unconfirmed events found when the task started; from the punctuator, which has a record context. */
  private void publishAgain() {
    for (String bizId : toPublishAgain) {
      DedupEntry entry = store.get(bizId);
      if (entry != null && !entry.getUnconfirmed().isEmpty()) {
        List<SpecificRecord> events = UnconfirmedEvents.whole(entry.getUnconfirmed());
        List<List<CarriedHeader>> headers = entry.getUnconfirmedHeaders();
        for (int i = 0; i < events.size(); i++) {
          // an entry written before the carried headers has none
          forward(bizId, events.get(i), CarriedHeaders.fromAvro(i < headers.size() ? headers.get(i) : null));
        }
        if (confirmations != null) {
          confirmations.published(bizId);
        } else {
          // written under at_least_once, now under exactly_once_v2: forgotten in the events' transaction
          forgetUnconfirmed(bizId, entry);
        }
      }
    }
    toPublishAgain.clear();
  }

  /** Forgets the events that a commit has shown written; a DEAD_LETTERED entry was kept only for them. */
  private void confirmWritten() {
    if (confirmations == null) {
      return;
    }
    for (String bizId : confirmations.takeConfirmed()) {
      DedupEntry entry = store.get(bizId);
      if (entry != null) {
        forgetUnconfirmed(bizId, entry);
      }
    }
  }

  private void forgetUnconfirmed(String bizId, DedupEntry entry) {
    DedupIndex.Keys before = DedupIndex.Keys.of(bizId, entry);
    entry.setUnconfirmed(new ArrayList<>());
    entry.setUnconfirmedHeaders(new ArrayList<>());
    DedupEntry after = kept(entry);
    write(bizId, before, after);
    // at_least_once: the index write of the call's end may be lost with a crash; its entry was not
    index.put(DedupIndex.Keys.of(bizId, after));
  }

  private DeadLetter deadLetter(VerificationRequest request, SourcePosition position, DeadLetterStage stage, String code,
      String message, Integer httpStatus, int attempts) {
    return DeadLetters.builder(stage, code, message, position.topic(), position.partition(), position.offset(),
        context.currentSystemTimeMs())
      .setBizId(request.getBizId())
      .setHttpStatus(httpStatus)
      .setAttempts(attempts)
      .setRequest(request)
      .build();
  }

  private DeadLetter providerDeadLetter(VerificationRequest request, SourcePosition position, Settlement.Failed failed) {
    return deadLetter(request, position, DeadLetterStage.PROVIDER, failed.errorCode(), failed.errorMessage(),
      failed.httpStatus(), failed.attempts());
  }

  private static VerificationResult replayOf(VerificationResult result) {
    return VerificationResult.newBuilder(result).setReplayed(true).build();
  }

  /** @param carried the headers of the request {@code value} answers */
  private void forward(String bizId, SpecificRecord value, Headers carried) {
    Headers headers = value instanceof DeadLetter letter
      ? CarriedHeaders.plus(DeadLetterHeaders.of(VerifyProcessor.class.getName(), letter), carried) : carried;
    context.forward(new Record<>(bizId, value, context.currentSystemTimeMs(), headers));
  }

  /**
   * Cancels this task's calls: whatever they were doing, they stop, and their answers, if any
   * come, are dropped. Nothing is written here (Kafka Streams may be closing the task dirty); the
   * IN_FLIGHT entries are in the store for the next owner.
   */
  @Override
  public void close() {
    turns.leave(line);
    slots.values().forEach(ApiSlots::release);
    int running = calls.running();
    calls.cancel();
    control.callsChanged(-callsNotDrained);
    callsNotDrained = 0;
    if (countedAsBackgroundWork) {
      countedAsBackgroundWork = false;
      control.backgroundWorkChanged(-1);
    }
    if (running > 0) {
      LOG.info("Task {}: closed with {} call(s) not finished, cancelled; the next owner calls them again",
        context.taskId(), running);
    }
  }

  /** Starts purging the entries older than the TTL, unless a purge is still under way. */
  private void startPurge(long now) {
    if (!purging) {
      purging = true;
      purgeCutoff = now - ttl.toMillis();
      purged = 0;
      backgroundWorkChanged();
      punctuateWhileThereIsWork();
    }
  }

  /**
   * One bounded step of the purge, from the completion punctuator: at most {@link #PURGE_STEP_ENTRIES}
   * of the index's oldest expiry keys, so the purge reads only what expired and never holds the
   * stream thread (or its transaction) for long.
   */
  private void purgeStep() {
    List<String> expired = index.takeExpired(purgeCutoff, PURGE_STEP_ENTRIES);
    for (String bizId : expired) {
      DedupEntry entry = store.get(bizId);
      // the key may be older than its entry (under at_least_once): only what is COMPLETED and old goes
      if (entry != null && entry.getStatus() == DedupStatus.COMPLETED && entry.getUpdatedAt().toEpochMilli() < purgeCutoff) {
        write(bizId, DedupIndex.Keys.of(bizId, entry).withoutExpiry(), null); // the expiry key is taken already
        purged++;
      }
    }
    if (expired.size() < PURGE_STEP_ENTRIES) {
      purging = false;
      if (purged > 0) {
        LOG.info("Task {}: purged {} dedup entries older than {}", context.taskId(), purged, ttl);
      }
    }
  }
}
