package dev.idvstreams.topology;

/**
 * The largest record Kafka takes from this processor, and what that leaves for a request: every
 * record the topology writes for a request (the re-keyed record, its store entry, its dead letter)
 * carries the request whole, beside at most {@link #ENVELOPE_BYTES} of other things (bizId key,
 * dead-letter fields and headers, record batch overhead). A request larger than that is refused
 * before anything is written for it, since a record Kafka refuses under exactly-once fails the
 * whole transaction, not the one record.
 *
 * @param maxRecordBytes the smallest of the producer's {@code max.request.size}, the broker's
 *     {@code message.max.bytes} and the written topics' {@code max.message.bytes}
 */
public record RecordLimits(int maxRecordBytes) {

  /** Dead-letter fields and headers (messages are cut to {@link DeadLetters#MAX_MESSAGE_CHARS}), key, batch overhead. */
  static final int ENVELOPE_BYTES = 16 * 1024;
  /** Kafka's defaults: the producer's max.request.size, under the broker's 1,048,588. */
  public static final RecordLimits KAFKA_DEFAULTS = new RecordLimits(1_048_576);

  public RecordLimits {
    if (maxRecordBytes <= 2 * ENVELOPE_BYTES) {
      throw new IllegalArgumentException("a record limit of " + maxRecordBytes + " bytes leaves no room for a request");
    }
  }

  /** The largest request (Avro binary), or raw value of an unreadable record, that a record may carry whole. */
  public long maxRequestBytes() {
    return maxRecordBytes - ENVELOPE_BYTES;
  }
}
