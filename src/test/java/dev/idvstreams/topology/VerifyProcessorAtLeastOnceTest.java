package dev.idvstreams.topology;

import static dev.idvstreams.topology.VerifyProcessorFixture.passed;
import static dev.idvstreams.topology.VerifyProcessorFixture.punctuate;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import dev.idvstreams.avro.DeadLetter;
import dev.idvstreams.avro.DedupEntry;
import dev.idvstreams.avro.DedupStatus;
import dev.idvstreams.avro.VerificationRequest;
import dev.idvstreams.avro.VerificationResult;
import dev.idvstreams.check.Settlement;
import java.time.Duration;
import java.util.List;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.MockProcessorContext.CapturedForward;
import org.apache.kafka.streams.processor.api.Record;
import org.junit.jupiter.api.Test;

/**
 * Under at_least_once the store entry that ends a call and its events are separate writes: the
 * entry keeps the events until a commit of the stream thread shows them written, and a task that
 * starts before that (a crash between the writes) publishes them again. Each "life" below is the
 * task started again on the store as its changelog left it.
 */
class VerifyProcessorAtLeastOnceTest {

  private final VerifyProcessorFixture task = new VerifyProcessorFixture(EventDelivery.CONFIRMED_BY_COMMIT);

  @Test
  void shouldPublishAResultAgainAfterACrashBeforeACommitConfirmedIt() {
    MockProcessorContext<String, SpecificRecord> first = task.start();
    task.complete(first, "b-1", passed("b-1"));
    assertThat(results(first)).extracting(VerificationResult::getBizId).containsExactly("b-1");
    assertThat(task.store.get("b-1").getStatus()).isEqualTo(DedupStatus.COMPLETED);
    assertThat(task.store.get("b-1").getUnconfirmed()).as("no commit since the result was sent").hasSize(1);

    // the process dies before a commit: the entry says COMPLETED, the result may not be out
    MockProcessorContext<String, SpecificRecord> second = task.start();
    punctuate(second);
    assertThat(results(second)).as("published again, as it was")
        .extracting(VerificationResult::getBizId, VerificationResult::getReplayed).containsExactly(tuple("b-1", false));
    assertThat(task.invoker.calls).as("not called again").hasSize(1);

    task.commits.incrementAndGet();
    punctuate(second);
    assertThat(task.store.get("b-1").getUnconfirmed()).as("a commit confirmed it").isEmpty();

    MockProcessorContext<String, SpecificRecord> third = task.start();
    punctuate(third);
    assertThat(third.forwarded()).as("nothing left to publish again").isEmpty();
  }

  @Test
  void shouldKeepADeadLetteredEntryOnlyUntilACommitConfirmsItsDeadLetters() {
    MockProcessorContext<String, SpecificRecord> first = task.start();
    task.complete(first, "b-2", failed());
    assertThat(deadLetters(first)).extracting(DeadLetter::getBizId).containsExactly("b-2");
    DedupEntry kept = task.store.get("b-2");
    assertThat(kept.getStatus()).isEqualTo(DedupStatus.DEAD_LETTERED);
    assertThat(kept.getRequest()).as("the dead letter holds the request; the entry need not").isNull();

    MockProcessorContext<String, SpecificRecord> second = task.start();
    punctuate(second);
    assertThat(deadLetters(second)).as("published again after the crash").extracting(DeadLetter::getBizId)
        .containsExactly("b-2");

    task.commits.incrementAndGet();
    punctuate(second);
    assertThat(task.store.get("b-2")).as("no entry kept after a failure: a replay calls again").isNull();
  }

  @Test
  void shouldCallARequestAgainThatArrivesWhileADeadLetterIsUnconfirmed() {
    MockProcessorContext<String, SpecificRecord> context = task.start();
    task.complete(context, "b-3", failed());

    // an operator's replay of the dead letter: another record with the same content
    task.process(context, "b-3");

    assertThat(task.invoker.calls).extracting(VerificationRequest::getBizId).containsExactly("b-3", "b-3");
    DedupEntry entry = task.store.get("b-3");
    assertThat(entry.getStatus()).isEqualTo(DedupStatus.IN_FLIGHT);
    assertThat(entry.getUnconfirmed()).as("the first call's dead letter is still to be confirmed").hasSize(1);
  }

  @Test
  void shouldNotPublishAgainWhenTheRecordThatStartedTheCallIsReadAgain() {
    MockProcessorContext<String, SpecificRecord> context = task.start();
    task.complete(context, "b-4", passed("b-4"));
    task.commits.incrementAndGet();
    punctuate(context);
    context.resetForwards();

    // its offset was not committed when the call ended: the same record again
    task.process(context, "b-4", task.offset());

    assertThat(context.forwarded()).as("the result is out already").isEmpty();
    assertThat(task.invoker.calls).hasSize(1);
  }

  private static List<VerificationResult> results(MockProcessorContext<String, SpecificRecord> context) {
    return events(context, VerificationResult.class);
  }

  private static List<DeadLetter> deadLetters(MockProcessorContext<String, SpecificRecord> context) {
    return events(context, DeadLetter.class);
  }

  private static <T> List<T> events(MockProcessorContext<String, SpecificRecord> context, Class<T> type) {
    return context.forwarded().stream().map(CapturedForward::record).map(Record::value)
        .filter(type::isInstance).map(type::cast).toList();
  }

  private static Settlement failed() {
    return new Settlement.Failed("InternalError", "CredentialVerifyIntl answered InternalError", 500, 3, Duration.ofMillis(5));
  }

}
