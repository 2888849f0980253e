package dev.idvstreams.topology;

import dev.idvstreams.avro.CheckType;
import dev.idvstreams.avro.CredentialCheck;
import dev.idvstreams.avro.DedupEntry;
import dev.idvstreams.avro.Image;
import dev.idvstreams.avro.Outcome;
import dev.idvstreams.avro.VerificationRequest;
import dev.idvstreams.avro.VerificationResult;
import dev.idvstreams.check.Settlement;
import java.time.Duration;
import java.time.Instant;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;

/**
 * {@link VerifyProcessor}s on {@link MockProcessorContext}s over one pair of in-memory stores (the
 * dedup store and its index): each {@link #start()} is a new life of the task, on the stores as
 * their changelogs left them.
 */
final class VerifyProcessorFixture {

  static final Duration COMPLETION_INTERVAL = Duration.ofMillis(20);
  static final Duration PURGE_INTERVAL = Duration.ofMinutes(1);
  final ScriptedInvoker invoker = new ScriptedInvoker(4);
  final ProcessingControl control = new ProcessingControl(Duration.ZERO);
  /** The stream thread's completed commits, as {@link CommitCounter} would read them. */
  final AtomicLong commits = new AtomicLong();
  final KeyValueStore<String, DedupEntry> store = Stores.keyValueStoreBuilder(
      Stores.inMemoryKeyValueStore(VerificationTopology.DEDUP_STORE), Serdes.String(), new DedupEntrySerde())
      .withLoggingDisabled().build();
  final KeyValueStore<String, byte[]> index = Stores.keyValueStoreBuilder(
      Stores.inMemoryKeyValueStore(DedupIndex.STORE), Serdes.String(), Serdes.ByteArray())
      .withLoggingDisabled().build();
  private final EventDelivery delivery;
  private final Map<MockProcessorContext<String, SpecificRecord>, VerifyProcessor> lives = new IdentityHashMap<>();
  private long offset;

  VerifyProcessorFixture(EventDelivery delivery) {
    this.delivery = delivery;
    MockProcessorContext<String, SpecificRecord> stores = new MockProcessorContext<>();
    store.init(stores.getStateStoreContext(), store);
    index.init(stores.getStateStoreContext(), index);
  }

  /** A new life of the task: a new processor, initialized on the same stores. */
  MockProcessorContext<String, SpecificRecord> start() {
    MockProcessorContext<String, SpecificRecord> context = new MockProcessorContext<>();
    context.setCurrentSystemTimeMs(1_000);
    context.addStateStore(store);
    context.addStateStore(index);
    VerifyProcessor processor = new VerifyProcessor(VerificationTopology.DEDUP_STORE, invoker, new TopologyListener() {
      @Override
      public void published(SpecificRecord value) {
      }

      @Override
      public void duplicateParked() {
      }

      @Override
      public void skipped(SkipReason reason) {
      }
    }, Duration.ofDays(1), PURGE_INTERVAL, COMPLETION_INTERVAL, control,
        new TakeTurns(), delivery, metrics -> commits::get, new PoisonGuard(PoisonStrikes.inMemory(), 3));
    processor.init(context);
    lives.put(context, processor);
    return context;
  }

  VerifyProcessor processor(MockProcessorContext<String, SpecificRecord> context) {
    return lives.get(context);
  }

  /** A request for {@code bizId}, read at the next offset. */
  void process(MockProcessorContext<String, SpecificRecord> context, String bizId) {
    process(context, bizId, ++offset);
  }

  /** A request for {@code bizId}, read at {@code at}. */
  void process(MockProcessorContext<String, SpecificRecord> context, String bizId, long at) {
    context.setRecordMetadata("idv.requests", 0, at);
    lives.get(context).process(new Record<>(bizId, request(bizId), 0));
  }

  /** A request for {@code bizId} read, its call answered with {@code settlement}, and the completion drained. */
  void complete(MockProcessorContext<String, SpecificRecord> context, String bizId, Settlement settlement) {
    process(context, bizId);
    invoker.answer(bizId, settlement);
    punctuate(context);
  }

  /** The API's answer: PASS. */
  static Settlement passed(String bizId) {
    return new Settlement.Answered(VerificationResult.newBuilder().setBizId(bizId).setCheckType(CheckType.CREDENTIAL)
        .setOutcome(Outcome.PASS).setAttempts(1).setRequestedAt(Instant.ofEpochMilli(1))
        .setCompletedAt(Instant.ofEpochMilli(2)).build(), Duration.ofMillis(5));
  }

  /** The offset of the last request processed. */
  long offset() {
    return offset;
  }

  /** Runs the completion punctuator: completions drained, waiting requests started, confirmations, steps. */
  static void punctuate(MockProcessorContext<String, SpecificRecord> context) {
    // scheduled only while the task has work for it (it cancels itself when idle): none, no punctuation
    context.scheduledPunctuators().stream()
        .filter(p -> p.getInterval().equals(COMPLETION_INTERVAL) && !p.cancelled())
        .reduce((first, last) -> last)
        .ifPresent(p -> p.getPunctuator().punctuate(context.currentSystemTimeMs()));
  }

  /** Whether the completion punctuator is scheduled. */
  static boolean punctuating(MockProcessorContext<String, SpecificRecord> context) {
    return context.scheduledPunctuators().stream()
        .anyMatch(p -> p.getInterval().equals(COMPLETION_INTERVAL) && !p.cancelled());
  }

  /** Runs the purge's punctuator: a purge starts, its steps run from {@link #punctuate}. */
  static void startPurge(MockProcessorContext<String, SpecificRecord> context) {
    context.scheduledPunctuators().stream().filter(p -> p.getInterval().equals(PURGE_INTERVAL)).findFirst().orElseThrow()
        .getPunctuator().punctuate(context.currentSystemTimeMs());
  }

  static VerificationRequest request(String bizId) {
    return VerificationRequest.newBuilder().setBizId(bizId).setRequestedAt(Instant.ofEpochMilli(1))
        .setCheck(CredentialCheck.newBuilder().setCredType("03").setCredName("0301")
            .setImage(Image.newBuilder().setUrl("https://img.example/" + bizId + ".jpg").build()).build())
        .build();
  }
}
