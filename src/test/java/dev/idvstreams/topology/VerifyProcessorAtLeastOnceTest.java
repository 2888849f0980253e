package dev.idvstreams.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.idvstreams.avro.CheckType;
import dev.idvstreams.avro.CredentialCheck;
import dev.idvstreams.avro.DeadLetter;
import dev.idvstreams.avro.DedupEntry;
import dev.idvstreams.avro.DedupStatus;
import dev.idvstreams.avro.Image;
import dev.idvstreams.avro.Outcome;
import dev.idvstreams.avro.VerificationRequest;
import dev.idvstreams.avro.VerificationResult;
import dev.idvstreams.check.Settlement;
import java.time.Duration;
import java.time.Instant;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.MockProcessorContext.CapturedForward;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

/**
 * Under at_least_once the store entry that ends a call and its events are separate writes: the
 * entry keeps the events until a commit of the stream thread shows them written, and a task that
 * starts before that (a crash between the writes) publishes them again. Each "life" below is the
 * task started again on the store as its changelog left it.
 */
class VerifyProcessorAtLeastOnceTest {

  private final AtomicLong commits = new AtomicLong();
  private final ScriptedInvoker invoker = new ScriptedInvoker(4);
  private final KeyValueStore<String, DedupEntry> store = Stores.keyValueStoreBuilder(
      Stores.inMemoryKeyValueStore(VerificationTopology.DEDUP_STORE), Serdes.String(), new DedupEntrySerde())
      .withLoggingDisabled().build();
  /** Each life's processor, by its context. */
  private final Map<MockProcessorContext<String, SpecificRecord>, VerifyProcessor> lives = new IdentityHashMap<>();
  private long offset;

  @Test
  void shouldPublishAResultAgainAfterACrashBeforeACommitConfirmedIt() {
    MockProcessorContext<String, SpecificRecord> first = life();
    process(first, "b-1");
    invoker.answer("b-1", answered("b-1"));
    punctuate(first);
    assertThat(results(first)).extracting(VerificationResult::getBizId).containsExactly("b-1");
    assertThat(store.get("b-1").getStatus()).isEqualTo(DedupStatus.COMPLETED);
    assertThat(store.get("b-1").getUnconfirmed()).as("no commit since the result was sent").hasSize(1);

    // the process dies before a commit: the entry says COMPLETED, the result may not be out
    MockProcessorContext<String, SpecificRecord> second = life();
    punctuate(second);
    assertThat(results(second)).as("published again, as it was").extracting(VerificationResult::getBizId, VerificationResult::getReplayed)
        .containsExactly(tuple("b-1", false));
    assertThat(invoker.calls).as("not called again").hasSize(1);

    commits.incrementAndGet();
    punctuate(second);
    assertThat(store.get("b-1").getUnconfirmed()).as("a commit confirmed it").isEmpty();

    MockProcessorContext<String, SpecificRecord> third = life();
    punctuate(third);
    assertThat(third.forwarded()).as("nothing left to publish again").isEmpty();
  }

  @Test
  void shouldKeepADeadLetteredEntryOnlyUntilACommitConfirmsItsDeadLetters() {
    MockProcessorContext<String, SpecificRecord> first = life();
    process(first, "b-2");
    invoker.answer("b-2", new Settlement.Failed("InternalError", "CredentialVerifyIntl answered InternalError", 500, 3,
        Duration.ofMillis(5)));
    punctuate(first);
    assertThat(deadLetters(first)).extracting(DeadLetter::getBizId).containsExactly("b-2");
    DedupEntry kept = store.get("b-2");
    assertThat(kept.getStatus()).isEqualTo(DedupStatus.DEAD_LETTERED);
    assertThat(kept.getRequest()).as("the dead letter holds the request; the entry need not").isNull();

    MockProcessorContext<String, SpecificRecord> second = life();
    punctuate(second);
    assertThat(deadLetters(second)).as("published again after the crash").extracting(DeadLetter::getBizId)
        .containsExactly("b-2");

    commits.incrementAndGet();
    punctuate(second);
    assertThat(store.get("b-2")).as("no entry kept after a failure: a replay calls again").isNull();
  }

  @Test
  void shouldCallARequestAgainThatArrivesWhileADeadLetterIsUnconfirmed() {
    MockProcessorContext<String, SpecificRecord> context = life();
    process(context, "b-3");
    invoker.answer("b-3", new Settlement.Failed("InternalError", "x", 500, 3, Duration.ofMillis(5)));
    punctuate(context);

    // an operator's replay of the dead letter: another record with the same content
    process(context, "b-3");

    assertThat(invoker.calls).extracting(VerificationRequest::getBizId).containsExactly("b-3", "b-3");
    DedupEntry entry = store.get("b-3");
    assertThat(entry.getStatus()).isEqualTo(DedupStatus.IN_FLIGHT);
    assertThat(entry.getUnconfirmed()).as("the first call's dead letter is still to be confirmed").hasSize(1);
  }

  @Test
  void shouldNotPublishAgainWhenTheRecordThatStartedTheCallIsReadAgain() {
    MockProcessorContext<String, SpecificRecord> context = life();
    process(context, "b-4");
    invoker.answer("b-4", answered("b-4"));
    punctuate(context);
    commits.incrementAndGet();
    punctuate(context);
    context.resetForwards();

    // its offset was not committed when the call ended: the same record again
    context.setRecordMetadata("idv.requests", 0, offset);
    lives.get(context).process(new Record<>("b-4", request("b-4"), 0));

    assertThat(context.forwarded()).as("the result is out already").isEmpty();
    assertThat(invoker.calls).hasSize(1);
  }

  /** A new life of the task: a new processor on the same store. */
  private MockProcessorContext<String, SpecificRecord> life() {
    MockProcessorContext<String, SpecificRecord> context = new MockProcessorContext<>();
    context.setCurrentSystemTimeMs(1_000);
    store.init(context.getStateStoreContext(), store);
    context.addStateStore(store);
    VerifyProcessor processor = new VerifyProcessor(VerificationTopology.DEDUP_STORE, invoker, new TopologyListener() {
      @Override
      public void published(SpecificRecord value) {
      }

      @Override
      public void duplicateParked() {
      }
    }, Duration.ofDays(1), Duration.ofMinutes(1), Duration.ofMillis(20), new ProcessingControl(Duration.ZERO),
        new TakeTurns(), EventDelivery.CONFIRMED_BY_COMMIT, metrics -> commits::get);
    processor.init(context);
    lives.put(context, processor);
    return context;
  }

  private void process(MockProcessorContext<String, SpecificRecord> context, String bizId) {
    offset++;
    context.setRecordMetadata("idv.requests", 0, offset);
    lives.get(context).process(new Record<>(bizId, request(bizId), 0));
  }

  private static void punctuate(MockProcessorContext<String, SpecificRecord> context) {
    context.scheduledPunctuators().get(0).getPunctuator().punctuate(context.currentSystemTimeMs());
  }

  private static List<VerificationResult> results(MockProcessorContext<String, SpecificRecord> context) {
    return context.forwarded().stream().map(f -> f.record().value()).filter(VerificationResult.class::isInstance)
        .map(VerificationResult.class::cast).toList();
  }

  private static List<DeadLetter> deadLetters(MockProcessorContext<String, SpecificRecord> context) {
    return context.forwarded().stream().map(CapturedForward::record).map(Record::value)
        .filter(DeadLetter.class::isInstance).map(DeadLetter.class::cast).toList();
  }

  private static Settlement answered(String bizId) {
    return new Settlement.Answered(VerificationResult.newBuilder().setBizId(bizId).setCheckType(CheckType.CREDENTIAL)
        .setOutcome(Outcome.PASS).setAttempts(1).setRequestedAt(Instant.ofEpochMilli(1))
        .setCompletedAt(Instant.ofEpochMilli(2)).build(), Duration.ofMillis(5));
  }

  private static VerificationRequest request(String bizId) {
    return VerificationRequest.newBuilder().setBizId(bizId).setRequestedAt(Instant.ofEpochMilli(1))
        .setCheck(CredentialCheck.newBuilder().setCredType("03").setCredName("0301")
            .setImage(Image.newBuilder().setUrl("https://img.example/" + bizId + ".jpg").build()).build())
        .build();
  }
}
