package dev.idvstreams.topology;

import org.apache.avro.specific.SpecificRecord;

/** Told of what the topology does, for metrics; called on stream threads, so it must not block. */
public interface TopologyListener {

  /**
   * A result or dead letter is being published (not DECODE dead letters, which
   * {@link DecodeDeadLetterHandler} writes).
   */
  void published(SpecificRecord value);

  /** An exact duplicate of a request still in flight was parked until the call ends. */
  void duplicateParked();

  /** A record ended without an event, for the reason given (a tombstone, an event Kafka refused). */
  void skipped(SkipReason reason);
}
