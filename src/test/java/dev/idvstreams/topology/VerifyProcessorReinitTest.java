package dev.idvstreams.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idvstreams.avro.CredentialCheck;
import dev.idvstreams.avro.DedupEntry;
import dev.idvstreams.avro.Image;
import dev.idvstreams.avro.VerificationRequest;
import java.time.Duration;
import java.time.Instant;
import org.apache.avro.specific.SpecificRecord;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.processor.api.Record;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.Test;

/**
 * Kafka Streams may init a processor again after closing it (a task revived after corruption, or
 * resumed after a revocation): its calls must run in a new scope, not in the one close cancelled.
 */
class VerifyProcessorReinitTest {

  @Test
  void shouldCallInANewScopeWhenInitializedAgainAfterClose() {
    MockProcessorContext<String, SpecificRecord> context = new MockProcessorContext<>();
    context.setCurrentSystemTimeMs(1_000);
    KeyValueStore<String, DedupEntry> store = Stores.keyValueStoreBuilder(
        Stores.inMemoryKeyValueStore(VerificationTopology.DEDUP_STORE), Serdes.String(), new DedupEntrySerde())
        .withLoggingDisabled().build();
    store.init(context.getStateStoreContext(), store);
    context.addStateStore(store);
    ScriptedInvoker invoker = new ScriptedInvoker(4);
    VerifyProcessor processor = new VerifyProcessor(VerificationTopology.DEDUP_STORE, invoker, new TopologyListener() {
      @Override
      public void published(SpecificRecord value) {
      }

      @Override
      public void duplicateParked() {
      }
    }, Duration.ofDays(1), Duration.ofMinutes(1), Duration.ofMillis(20), new ProcessingControl(Duration.ZERO),
        new TakeTurns(), EventDelivery.IN_TRANSACTION, CommitCounter.STREAM_THREAD);

    processor.init(context);
    context.setRecordMetadata("idv.requests", 0, 1);
    processor.process(new Record<>("b-1", request("b-1"), 0));
    processor.close();
    assertThat(invoker.scopes.get(0).isCancelled()).isTrue();

    processor.init(context);
    context.setRecordMetadata("idv.requests", 0, 2);
    processor.process(new Record<>("b-2", request("b-2"), 0));

    // b-1, left IN_FLIGHT by the first life, is called again, and b-2 is new: both in a live scope
    assertThat(invoker.calls).extracting(VerificationRequest::getBizId).containsExactly("b-1", "b-1", "b-2");
    assertThat(invoker.scopes.subList(1, 3)).as("the second life's calls are not cancelled")
        .noneMatch(dev.idvstreams.async.CancelScope::isCancelled);
  }

  private static VerificationRequest request(String bizId) {
    return VerificationRequest.newBuilder().setBizId(bizId).setRequestedAt(Instant.ofEpochMilli(1))
        .setCheck(CredentialCheck.newBuilder().setCredType("03").setCredName("0301")
            .setImage(Image.newBuilder().setUrl("https://img.example/" + bizId + ".jpg").build()).build())
        .build();
  }
}
