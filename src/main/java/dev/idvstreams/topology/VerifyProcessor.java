package dev.idvstreams.topology;

import dev.idvstreams.async.CompletionHandle;
import dev.idvstreams.async.InFlightQueue;
import dev.idvstreams.avro.CheckType;
import dev.idvstreams.avro.DeadLetter;
import dev.idvstreams.avro.DeadLetterStage;
import dev.idvstreams.avro.DedupEntry;
import dev.idvstreams.avro.DedupStatus;
import dev.idvstreams.avro.MaterialCheck;
import dev.idvstreams.avro.Outcome;
import dev.idvstreams.avro.ParkedDuplicate;
import dev.idvstreams.avro.VerificationRequest;
import dev.idvstreams.avro.VerificationResult;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.streams.KeyValue;
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
 * <p>The store entry of a request is written before its call starts, in the same task as the
 * input offset, so a crash never loses a call: every IN_FLIGHT entry is called again when the task
 * starts. Calls complete on Vert.x threads; their outcomes wait in the per-API
 * {@link InFlightQueue} and are forwarded only here, on the stream thread, from {@link #process}
 * and a wall-clock punctuator. At an API's in-flight bound, {@link #process} waits for a
 * completion, which stops the task from consuming: backpressure.
 */
final class VerifyProcessor implements Processor<String, VerificationRequest, String, SpecificRecord> {

  private static final Logger LOG = LoggerFactory.getLogger(VerifyProcessor.class);
  private static final Duration BACKPRESSURE_POLL = Duration.ofMillis(50);

  private final String storeName;
  private final CheckInvoker invoker;
  private final Duration ttl;
  private final Duration purgeInterval;
  private final Duration completionInterval;
  private final Map<CheckType, InFlightQueue<String, CheckOutcome>> inFlight = new EnumMap<>(CheckType.class);
  /** Requests in the store that wait for a slot of their API: restored after a restart, or left by process(). */
  private final Map<CheckType, Deque<String>> waitingForSlot = new EnumMap<>(CheckType.class);
  private final Duration maxSlotWait;

  private ProcessorContext<String, SpecificRecord> context;
  private KeyValueStore<String, DedupEntry> store;

  /**
   * @param maxSlotWait how long process() waits for a free slot of an API that is not held by its
   *     breaker before it leaves the request waiting in the store. A slot frees at the API's pace
   *     in normal operation, so the wait is backpressure; a longer wait would outlast the EOS
   *     transaction timeout
   */
  VerifyProcessor(String storeName, CheckInvoker invoker, Duration ttl, Duration purgeInterval, Duration completionInterval,
      Duration maxSlotWait) {
    this.storeName = storeName;
    this.maxSlotWait = maxSlotWait;
    this.invoker = invoker;
    this.ttl = ttl;
    this.purgeInterval = purgeInterval;
    this.completionInterval = completionInterval;
  }

  @Override
  public void init(ProcessorContext<String, SpecificRecord> context) {
    this.context = context;
    this.store = context.getStateStore(storeName);
    for (CheckType api : CheckType.values()) {
      inFlight.put(api, new InFlightQueue<>(invoker.inFlightBound(api)));
      waitingForSlot.put(api, new ArrayDeque<>());
    }
    // restored calls may not be forwarded from init (no record context): the punctuator issues them
    try (KeyValueIterator<String, DedupEntry> entries = store.all()) {
      entries.forEachRemaining(kv -> {
        if (kv.value.getStatus() == DedupStatus.IN_FLIGHT) {
          waitingForSlot.get(CheckTypes.of(kv.value.getRequest())).add(kv.key);
        }
      });
    }
    int restored = waitingForSlot.values().stream().mapToInt(Deque::size).sum();
    if (restored > 0) {
      LOG.info("Task {}: calling {} in-flight request(s) again after a restart or migration", context.taskId(), restored);
    }
    context.schedule(completionInterval, PunctuationType.WALL_CLOCK_TIME, now -> {
      drainCompletions();
      reissue();
    });
    context.schedule(purgeInterval, PunctuationType.WALL_CLOCK_TIME, this::purge);
  }

  @Override
  public void process(Record<String, VerificationRequest> record) {
    drainCompletions();
    reissue();
    VerificationRequest request = record.value();
    String bizId = request.getBizId();
    RecordMetadata source = context.recordMetadata().orElseThrow();
    byte[] fingerprint = RequestFingerprint.of(request);
    DedupEntry entry = store.get(bizId);

    if (entry == null) {
      start(request, fingerprint, source);
    } else if (isSource(entry, source)) {
      redelivered(entry);
    } else if (isParked(entry, source)) {
      LOG.debug("Duplicate of bizId {} at offset {} already parked", bizId, source.offset());
    } else if (Arrays.equals(fingerprint, entry.getFingerprint().array())) {
      exactDuplicate(entry, source);
    } else if (isMaterialResubmission(request, entry)) {
      LOG.info("bizId {}: VerifyMaterial resubmitted after {}, calling again", bizId, entry.getVerificationResult().getOutcome());
      start(request, fingerprint, source);
    } else {
      forward(bizId, deadLetter(request, source.topic(), source.partition(), source.offset(), DeadLetterStage.DEDUP_CONFLICT,
        "DEDUP_CONFLICT", "bizId " + bizId + " was already used for a different request", null, 0));
    }
  }

  private void start(VerificationRequest request, byte[] fingerprint, RecordMetadata source) {
    long now = context.currentSystemTimeMs();
    DedupEntry entry = DedupEntry.newBuilder()
      .setBizId(request.getBizId())
      .setFingerprint(ByteBuffer.wrap(fingerprint))
      .setStatus(DedupStatus.IN_FLIGHT)
      .setRequest(request)
      .setSourceTopic(source.topic())
      .setSourcePartition(source.partition())
      .setSourceOffset(source.offset())
      .setParked(new ArrayList<>())
      .setCreatedAt(Instant.ofEpochMilli(now))
      .setUpdatedAt(Instant.ofEpochMilli(now))
      .build();
    store.put(request.getBizId(), entry);
    CheckType api = CheckTypes.of(request);
    InFlightQueue<String, CheckOutcome> queue = inFlight.get(api);
    // an API held by its breaker frees no slot until it recovers: its requests wait in the store
    Duration wait = invoker.isHeld(api) ? Duration.ZERO : maxSlotWait;
    long giveUpAt = System.nanoTime() + wait.toNanos();
    Optional<CompletionHandle<CheckOutcome>> handle;
    while ((handle = queue.tryPut(request.getBizId())).isEmpty()) {
      if (System.nanoTime() >= giveUpAt) {
        waitingForSlot.get(api).add(request.getBizId());
        return;
      }
      awaitCompletion(queue);
    }
    call(request, handle.get());
  }

  private void call(VerificationRequest request, CompletionHandle<CheckOutcome> handle) {
    invoker.invoke(request).onComplete(result -> handle.complete(result.succeeded() ? result.result()
      : new CheckOutcome.Failed("INTERNAL_ERROR", "call failed unexpectedly: " + result.cause().getClass().getSimpleName(),
        null, 0, Duration.ZERO)));
  }

  private void awaitCompletion(InFlightQueue<String, CheckOutcome> queue) {
    try {
      queue.awaitCompletion(BACKPRESSURE_POLL);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new org.apache.kafka.common.errors.InterruptException(e);
    }
    drainCompletions();
  }

  private void redelivered(DedupEntry entry) {
    String bizId = entry.getBizId();
    if (entry.getStatus() == DedupStatus.IN_FLIGHT) {
      CheckType api = CheckTypes.of(entry.getRequest());
      boolean known = inFlight.get(api).keys().contains(bizId) || waitingForSlot.get(api).contains(bizId);
      if (!known) {
        waitingForSlot.get(api).add(bizId);
      }
    } else {
      // only under at_least_once: the result was published but the offset not committed
      forward(bizId, entry.getVerificationResult());
    }
  }

  /** The record that started the call, delivered again after a crash: the same topic, partition and offset. */
  private static boolean isSource(DedupEntry entry, RecordMetadata source) {
    return entry.getSourceTopic().equals(source.topic()) && entry.getSourcePartition() == source.partition()
      && entry.getSourceOffset() == source.offset();
  }

  private static boolean isParked(DedupEntry entry, RecordMetadata source) {
    return entry.getParked().stream().anyMatch(p -> p.getTopic().equals(source.topic())
      && p.getPartition() == source.partition() && p.getOffset() == source.offset());
  }

  private void exactDuplicate(DedupEntry entry, RecordMetadata source) {
    if (entry.getStatus() == DedupStatus.COMPLETED) {
      forward(entry.getBizId(), replayOf(entry.getVerificationResult()));
    } else {
      entry.getParked().add(new ParkedDuplicate(source.topic(), source.partition(), source.offset()));
      entry.setUpdatedAt(Instant.ofEpochMilli(context.currentSystemTimeMs()));
      store.put(entry.getBizId(), entry);
    }
  }

  /** VerifyMaterial: "the system supports unlimited submissions until the verification passes" (001_6b50e83eedc0b45d.txt). */
  private static boolean isMaterialResubmission(VerificationRequest request, DedupEntry entry) {
    return request.getCheck() instanceof MaterialCheck
      && entry.getStatus() == DedupStatus.COMPLETED
      && entry.getVerificationResult() != null
      && entry.getVerificationResult().getCheckType() == CheckType.MATERIAL
      && entry.getVerificationResult().getOutcome() != Outcome.PASS;
  }

  /** Starts waiting requests while their API has free slots; each API's queue on its own. */
  private void reissue() {
    for (Map.Entry<CheckType, Deque<String>> waiting : waitingForSlot.entrySet()) {
      Deque<String> queue = waiting.getValue();
      while (!queue.isEmpty()) {
        DedupEntry entry = store.get(queue.peek());
        if (entry == null || entry.getStatus() != DedupStatus.IN_FLIGHT) {
          queue.poll();
          continue;
        }
        Optional<CompletionHandle<CheckOutcome>> handle = inFlight.get(waiting.getKey()).tryPut(entry.getBizId());
        if (handle.isEmpty()) {
          break; // at the bound: the next punctuation or record goes on
        }
        queue.poll();
        call(entry.getRequest(), handle.get());
      }
    }
  }

  private void drainCompletions() {
    for (Map.Entry<CheckType, InFlightQueue<String, CheckOutcome>> queue : inFlight.entrySet()) {
      queue.getValue().drainCompleted(c -> complete(queue.getKey(), c.key(), c.value()));
      queue.getValue().setBound(invoker.inFlightBound(queue.getKey()));
    }
  }

  private void complete(CheckType api, String bizId, CheckOutcome outcome) {
    invoker.recordServiceTime(api, outcome.serviceTime());
    DedupEntry entry = store.get(bizId);
    if (entry == null || entry.getStatus() != DedupStatus.IN_FLIGHT) {
      LOG.warn("Completion for bizId {} without an in-flight entry: ignored", bizId);
      return;
    }
    List<ParkedDuplicate> parked = entry.getParked();
    if (outcome instanceof CheckOutcome.Answered answered) {
      VerificationResult result = answered.result();
      entry.setStatus(DedupStatus.COMPLETED);
      entry.setVerificationResult(result);
      entry.setRequest(null); // images can be large; the fingerprint is all dedup needs now
      entry.setParked(new ArrayList<>());
      entry.setUpdatedAt(Instant.ofEpochMilli(context.currentSystemTimeMs()));
      store.put(bizId, entry);
      forward(bizId, result);
      for (int i = 0; i < parked.size(); i++) {
        forward(bizId, replayOf(result));
      }
    } else {
      CheckOutcome.Failed failed = (CheckOutcome.Failed) outcome;
      VerificationRequest request = entry.getRequest();
      // no entry kept: a dead-lettered request replayed by an operator is called again
      store.delete(bizId);
      forward(bizId, providerDeadLetter(request, entry.getSourceTopic(), entry.getSourcePartition(), entry.getSourceOffset(), failed));
      for (ParkedDuplicate duplicate : parked) {
        forward(bizId, providerDeadLetter(request, duplicate.getTopic(), duplicate.getPartition(), duplicate.getOffset(), failed));
      }
    }
  }

  private DeadLetter deadLetter(VerificationRequest request, String topic, int partition, long offset,
      DeadLetterStage stage, String code, String message, Integer httpStatus, int attempts) {
    return DeadLetters.builder(stage, code, message, topic, partition, offset, context.currentSystemTimeMs())
      .setBizId(request.getBizId())
      .setHttpStatus(httpStatus)
      .setAttempts(attempts)
      .setRequest(request)
      .build();
  }

  private DeadLetter providerDeadLetter(VerificationRequest request, String topic, int partition, long offset,
      CheckOutcome.Failed failed) {
    return deadLetter(request, topic, partition, offset, DeadLetterStage.PROVIDER, failed.errorCode(),
      failed.errorMessage(), failed.httpStatus(), failed.attempts());
  }

  private static VerificationResult replayOf(VerificationResult result) {
    return VerificationResult.newBuilder(result).setReplayed(true).build();
  }

  private void forward(String bizId, SpecificRecord value) {
    Record<String, SpecificRecord> out = new Record<>(bizId, value, context.currentSystemTimeMs(), new RecordHeaders());
    if (value instanceof DeadLetter letter) {
      out = out.withHeaders(DeadLetterHeaders.of(VerifyProcessor.class.getName(), letter));
    }
    context.forward(out);
  }

  private void purge(long now) {
    long cutoff = now - ttl.toMillis();
    List<String> expired = new ArrayList<>();
    try (KeyValueIterator<String, DedupEntry> entries = store.all()) {
      while (entries.hasNext()) {
        KeyValue<String, DedupEntry> kv = entries.next();
        if (kv.value.getStatus() == DedupStatus.COMPLETED && kv.value.getUpdatedAt().toEpochMilli() < cutoff) {
          expired.add(kv.key);
        }
      }
    }
    expired.forEach(store::delete);
    if (!expired.isEmpty()) {
      LOG.info("Task {}: purged {} dedup entries older than {}", context.taskId(), expired.size(), ttl);
    }
  }
}
