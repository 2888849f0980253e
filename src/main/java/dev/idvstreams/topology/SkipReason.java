package dev.idvstreams.topology;

/** Why a record ends without an event; the metric's tag. */
public enum SkipReason {
  /** A null value on the request topic: a deletion marker, nothing to verify. */
  TOMBSTONE,
  /** An event Kafka refused to take (too large, invalid) that no dead letter could replace. */
  UNWRITABLE
}
