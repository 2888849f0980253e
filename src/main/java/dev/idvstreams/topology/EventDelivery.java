package dev.idvstreams.topology;

import org.apache.kafka.streams.StreamsConfig;

/**
 * How the events of an ended call (its result and the replays of its parked duplicates, or its
 * dead letters) are made sure to reach their topics. They are published from a punctuation, not
 * from the record that started the call, whose offset was committed long before; what holds them
 * depends on the processing guarantee, chosen once here.
 */
public enum EventDelivery {

  /**
   * exactly_once_v2: the store entry that records the end of the call and its events are written
   * in one transaction, together or not at all; nothing to confirm.
   */
  IN_TRANSACTION,

  /**
   * at_least_once: the store entry and the events are separate writes, and a crash between them
   * could leave the entry saying "done" with no event out. So the entry keeps its events
   * ({@code unconfirmed}) until a commit of the stream thread shows them written
   * ({@link CommitConfirmations}); a task that starts with unconfirmed events publishes them
   * again. An event may then be published twice, never lost.
   */
  CONFIRMED_BY_COMMIT;

  /** The delivery that the Kafka Streams {@code processing.guarantee} needs. */
  public static EventDelivery forGuarantee(String processingGuarantee) {
    return StreamsConfig.AT_LEAST_ONCE.equals(processingGuarantee) ? CONFIRMED_BY_COMMIT : IN_TRANSACTION;
  }
}
