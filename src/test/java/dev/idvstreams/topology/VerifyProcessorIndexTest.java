package dev.idvstreams.topology;

import static dev.idvstreams.topology.VerifyProcessorFixture.passed;
import static dev.idvstreams.topology.VerifyProcessorFixture.punctuate;
import static dev.idvstreams.topology.VerifyProcessorFixture.startPurge;
import static org.assertj.core.api.Assertions.assertThat;

import dev.idvstreams.avro.DedupEntry;
import dev.idvstreams.avro.DedupStatus;
import dev.idvstreams.avro.VerificationRequest;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.junit.jupiter.api.Test;

/** A starting task and the TTL purge read the dedup store's index ({@link DedupIndex}), not the whole store. */
class VerifyProcessorIndexTest {

  private final VerifyProcessorFixture task = new VerifyProcessorFixture(EventDelivery.IN_TRANSACTION);

  @Test
  void shouldCallAgainAtStartWhatTheIndexNamesOpenAndNothingItDoesNot() {
    MockProcessorContext<String, SpecificRecord> first = task.start();
    punctuate(first); // the (empty) store is indexed
    task.process(first, "b-1");
    // an IN_FLIGHT entry the index does not know: a start that read the whole store would call it
    task.store.put("unindexed", inFlight("unindexed"));

    MockProcessorContext<String, SpecificRecord> second = task.start();
    punctuate(second);

    assertThat(task.invoker.calls).extracting(VerificationRequest::getBizId).containsExactly("b-1", "b-1");
  }

  @Test
  void shouldIndexAStoreWrittenBeforeTheIndexExisted() {
    // an earlier release's store: entries, no index
    task.store.put("old-1", inFlight("old-1"));
    DedupEntry done = inFlight("old-2");
    done.setStatus(DedupStatus.COMPLETED);
    done.setRequest(null);
    task.store.put("old-2", done);

    MockProcessorContext<String, SpecificRecord> first = task.start();
    punctuate(first);
    assertThat(task.invoker.calls).as("read the whole store this once").extracting(VerificationRequest::getBizId)
        .containsExactly("old-1");
    DedupIndex index = new DedupIndex(task.index);
    assertThat(index.isBuilt()).isTrue();
    assertThat(index.openBizIds()).containsExactly("old-1");

    MockProcessorContext<String, SpecificRecord> second = task.start();
    punctuate(second);
    assertThat(task.invoker.calls).as("called again from the index").extracting(VerificationRequest::getBizId)
        .containsExactly("old-1", "old-1");
  }

  @Test
  void shouldPurgeOnlyEntriesOlderThanTheTtl() {
    MockProcessorContext<String, SpecificRecord> context = task.start();
    punctuate(context);
    task.complete(context, "old", passed("old"));
    context.setCurrentSystemTimeMs(context.currentSystemTimeMs() + Duration.ofDays(1).plusHours(1).toMillis());
    task.complete(context, "new", passed("new"));
    task.process(context, "waiting"); // IN_FLIGHT: never purged

    startPurge(context);
    punctuate(context);

    assertThat(task.store.get("old")).as("completed more than a TTL ago").isNull();
    assertThat(task.store.get("new")).isNotNull();
    assertThat(task.store.get("waiting")).isNotNull();
    assertThat(new DedupIndex(task.index).takeExpired(Long.MAX_VALUE, 10)).as("the expiry keys left")
        .containsExactly("new");
  }


  private static DedupEntry inFlight(String bizId) {
    return DedupEntry.newBuilder().setBizId(bizId).setFingerprint(ByteBuffer.wrap(new byte[] {1}))
        .setStatus(DedupStatus.IN_FLIGHT).setRequest(VerifyProcessorFixture.request(bizId)).setSourceTopic("idv.requests")
        .setSourcePartition(0).setSourceOffset(1_000).setCreatedAt(Instant.ofEpochMilli(1)).setUpdatedAt(Instant.ofEpochMilli(1))
        .build();
  }
}
