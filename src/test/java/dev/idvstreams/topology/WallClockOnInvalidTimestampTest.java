package dev.idvstreams.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

class WallClockOnInvalidTimestampTest {

  private final WallClockOnInvalidTimestamp extractor = new WallClockOnInvalidTimestamp();

  private static ConsumerRecord<Object, Object> at(long timestamp) {
    return new ConsumerRecord<>("t", 0, 0, timestamp, TimestampType.CREATE_TIME, 0, 0, null, null,
      new RecordHeaders(), Optional.empty());
  }

  @Test
  void shouldKeepAValidTimestamp() {
    assertThat(extractor.extract(at(0), 5)).isZero();
    assertThat(extractor.extract(at(1_700_000_000_000L), 5)).isEqualTo(1_700_000_000_000L);
  }

  @Test
  void shouldTakeThePartitionTimeOrTheClockForANegativeOneInsteadOfFailing() {
    assertThat(extractor.extract(at(-42), 1_000)).isEqualTo(1_000);
    long before = System.currentTimeMillis();
    assertThat(extractor.extract(at(-1), -1)).isBetween(before, System.currentTimeMillis());
  }
}
