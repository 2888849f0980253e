package dev.idvstreams.topology;

import dev.idvstreams.avro.DedupEntry;
import dev.idvstreams.avro.CarriedHeader;
import dev.idvstreams.avro.ParkedDuplicate;
import java.util.List;
import org.apache.kafka.streams.processor.api.RecordMetadata;

/**
 * Where a request was read: topic, partition and offset. Deduplication compares positions to tell
 * a record read again after a crash (same position) from a duplicate (another position); the
 * topic matters because a task reads both the request topic and the repartition topic.
 */
record SourcePosition(String topic, int partition, long offset) {

  static SourcePosition of(RecordMetadata metadata) {
    return new SourcePosition(metadata.topic(), metadata.partition(), metadata.offset());
  }

  /** The position of the record that started the entry's call. */
  static SourcePosition of(DedupEntry entry) {
    return new SourcePosition(entry.getSourceTopic(), entry.getSourcePartition(), entry.getSourceOffset());
  }

  static SourcePosition of(ParkedDuplicate parked) {
    return new SourcePosition(parked.getTopic(), parked.getPartition(), parked.getOffset());
  }

  /** {@code topic-partition@offset}: how logs, strikes and messages name a record without quoting it. */
  String label() {
    return topic + "-" + partition + "@" + offset;
  }

  ParkedDuplicate toParked(List<CarriedHeader> headers) {
    return new ParkedDuplicate(topic, partition, offset, headers);
  }
}
