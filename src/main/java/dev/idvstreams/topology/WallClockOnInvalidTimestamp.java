package dev.idvstreams.topology;

import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.streams.processor.TimestampExtractor;

/**
 * A record's own timestamp, or, when it has none or a negative one (a producer of another client
 * can write that), the partition's time or else the wall clock. Kafka Streams' default extractor
 * throws for such a record, which stops the stream thread on every read: a poison record. Nothing
 * here depends on record time (no windows, no joins); a request's time is its {@code requestedAt}.
 */
public final class WallClockOnInvalidTimestamp implements TimestampExtractor {

  @Override
  public long extract(ConsumerRecord<Object, Object> record, long partitionTime) {
    if (record.timestamp() >= 0) {
      return record.timestamp();
    }
    return partitionTime >= 0 ? partitionTime : System.currentTimeMillis();
  }
}
