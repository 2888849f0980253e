package dev.idvstreams.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idvstreams.avro.DedupEntry;
import dev.idvstreams.avro.DedupStatus;
import dev.idvstreams.avro.VerificationResult;
import java.nio.ByteBuffer;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.apache.kafka.streams.state.KeyValueStore;
import org.apache.kafka.streams.state.Stores;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class DedupIndexTest {

  private final KeyValueStore<String, byte[]> store = Stores.keyValueStoreBuilder(
      Stores.inMemoryKeyValueStore(DedupIndex.STORE), Serdes.String(), Serdes.ByteArray()).withLoggingDisabled().build();
  private final DedupIndex index = new DedupIndex(store);

  @BeforeEach
  void init() {
    MockProcessorContext<String, String> context = new MockProcessorContext<>();
    store.init(context.getStateStoreContext(), store);
  }

  @Test
  void shouldFollowAnEntryFromInFlightToCompleted() {
    DedupEntry entry = entry("b-1", DedupStatus.IN_FLIGHT, 5_000);
    index.update(DedupIndex.Keys.NONE, DedupIndex.Keys.of("b-1", entry));
    assertThat(index.openBizIds()).containsExactly("b-1");

    DedupIndex.Keys before = DedupIndex.Keys.of("b-1", entry);
    entry.setStatus(DedupStatus.COMPLETED);
    index.update(before, DedupIndex.Keys.of("b-1", entry));
    assertThat(index.openBizIds()).isEmpty();
    assertThat(index.takeExpired(5_001, 10)).containsExactly("b-1");
  }

  @Test
  void shouldKeepAnEntryWithUnconfirmedEventsOpen() {
    DedupEntry entry = entry("b-2", DedupStatus.COMPLETED, 5_000);
    entry.setUnconfirmed(new ArrayList<>(List.of(VerificationResult.newBuilder().setBizId("b-2")
        .setCheckType(dev.idvstreams.avro.CheckType.CREDENTIAL).setOutcome(dev.idvstreams.avro.Outcome.PASS)
        .setAttempts(1).setRequestedAt(Instant.ofEpochMilli(1)).setCompletedAt(Instant.ofEpochMilli(2)).build())));

    assertThat(DedupIndex.Keys.of("b-2", entry).open()).isNotNull();
  }

  @Test
  void shouldTakeOnlyWhatExpiredOldestFirstAndAtMostAStep() {
    for (String[] e : new String[][] {{"c", "3000"}, {"a", "1000"}, {"d", "9000"}, {"b", "2000"}}) {
      index.update(DedupIndex.Keys.NONE, DedupIndex.Keys.of(e[0], entry(e[0], DedupStatus.COMPLETED, Long.parseLong(e[1]))));
    }

    assertThat(index.takeExpired(3_000, 10)).as("older than the cutoff, oldest first").containsExactly("a", "b");
    assertThat(index.takeExpired(10_000, 1)).as("at most a step").containsExactly("c");
    assertThat(index.takeExpired(10_000, 10)).as("taken keys are gone").containsExactly("d");
  }

  @Test
  void shouldIndexAStoreInStepsAndSayWhenItIsDone() {
    KeyValueStore<String, DedupEntry> entries = Stores.keyValueStoreBuilder(Stores.inMemoryKeyValueStore("entries"),
        Serdes.String(), new DedupEntrySerde()).withLoggingDisabled().build();
    entries.init(new MockProcessorContext<String, String>().getStateStoreContext(), entries);
    for (int i = 0; i < 5; i++) {
      entries.put("b-" + i, entry("b-" + i, i % 2 == 0 ? DedupStatus.IN_FLIGHT : DedupStatus.COMPLETED, 1_000 + i));
    }

    String next = index.buildStep(entries, null, 2);
    assertThat(next).isNotNull();
    assertThat(index.isBuilt()).isFalse();
    next = index.buildStep(entries, next, 2);
    next = index.buildStep(entries, next, 2);

    assertThat(next).isNull();
    assertThat(index.isBuilt()).isTrue();
    assertThat(index.openBizIds()).containsExactlyInAnyOrder("b-0", "b-2", "b-4");
    assertThat(index.takeExpired(Long.MAX_VALUE, 10)).containsExactly("b-1", "b-3");
  }

  private static DedupEntry entry(String bizId, DedupStatus status, long updatedAt) {
    return DedupEntry.newBuilder().setBizId(bizId).setFingerprint(ByteBuffer.wrap(new byte[] {1})).setStatus(status)
        .setSourcePartition(0).setSourceOffset(1).setCreatedAt(Instant.ofEpochMilli(1))
        .setUpdatedAt(Instant.ofEpochMilli(updatedAt)).build();
  }
}
