package dev.idvstreams.bench;

import dev.idvstreams.avro.VerificationRequest;
import dev.idvstreams.serde.AvroSerde;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongSupplier;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Writes requests to one topic, keyed by bizId, in the processor's Avro wire format, and keeps the
 * time each was written: the record's timestamp, which the producer sets when the request is handed
 * to it (CreateTime), as an upstream service's producer would.
 */
public final class RequestProducer implements AutoCloseable {

  private final String topic;
  private final AvroSerde<VerificationRequest> serde;
  private final KafkaProducer<String, byte[]> producer;
  /** bizId to the timestamp of the request last written for it. */
  private final Map<String, Long> writtenAt = new ConcurrentHashMap<>();
  /** The first write that failed: thrown once the batch is flushed, so a scenario never measures a partial batch. */
  private final AtomicReference<IllegalStateException> failure = new AtomicReference<>();

  RequestProducer(String bootstrapServers, String topic, AvroSerde<VerificationRequest> serde) {
    this.topic = topic;
    this.serde = serde;
    this.producer = new KafkaProducer<>(Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers,
        ProducerConfig.ACKS_CONFIG, "all", ProducerConfig.LINGER_MS_CONFIG, 0,
        // One batch in flight per partition: a bulk write to a new topic got NOT_LEADER_OR_FOLLOWER for
        // a first batch the broker had in fact appended, then OUT_OF_ORDER_SEQUENCE_NUMBER for every
        // batch after it until the delivery timeout (Kafka 4.3, embedded broker). The rate at which
        // requests are written is never what a scenario measures.
        ProducerConfig.MAX_IN_FLIGHT_REQUESTS_PER_CONNECTION, 1),
        new StringSerializer(), new ByteArraySerializer());
  }

  public String topic() {
    return topic;
  }

  /** Writes them all as fast as the producer takes them (a backlog), and waits until every one is acknowledged. */
  public void sendAll(List<VerificationRequest> requests) {
    requests.forEach(this::send);
    flush();
  }

  /**
   * Writes them at a steady {@code perSecond}, one every 1/{@code perSecond} s exactly, each at its
   * planned time (not a burst after a late one), and waits until every one is acknowledged.
   */
  public void sendAtRate(List<VerificationRequest> requests, double perSecond) {
    long gap = (long) (TimeUnit.SECONDS.toNanos(1) / perSecond);
    sendOnSchedule(requests, () -> gap);
  }

  /**
   * Writes them at {@code perSecond} on average with random (exponential) gaps, as independent
   * clients would: unlike fixed gaps, arrivals do not stay in step with a fixed simulated latency.
   */
  public void sendRandomly(List<VerificationRequest> requests, double perSecond, long seed) {
    Random random = new Random(seed);
    double mean = TimeUnit.SECONDS.toNanos(1) / perSecond;
    sendOnSchedule(requests, () -> (long) (-mean * Math.log(1 - random.nextDouble())));
  }

  private void sendOnSchedule(List<VerificationRequest> requests, LongSupplier gapNanos) {
    long due = System.nanoTime();
    for (VerificationRequest request : requests) {
      for (long wait = due - System.nanoTime(); wait > 0; wait = due - System.nanoTime()) {
        LockSupport.parkNanos(wait);
      }
      send(request);
      due += gapNanos.getAsLong();
    }
    flush();
  }

  private void flush() {
    producer.flush();
    IllegalStateException failed = failure.getAndSet(null);
    if (failed != null) {
      throw failed;
    }
  }

  /** When the request for {@code bizId} was written (ms since the epoch), or null if it was not (yet). */
  public Long writtenAt(String bizId) {
    return writtenAt.get(bizId);
  }

  private void send(VerificationRequest request) {
    String bizId = request.getBizId();
    producer.send(new ProducerRecord<>(topic, bizId, serde.serialize(topic, request)), (metadata, error) -> {
      if (error != null) {
        failure.compareAndSet(null, new IllegalStateException("request " + bizId + " not written", error));
      } else {
        writtenAt.put(bizId, metadata.timestamp());
      }
    });
  }

  @Override
  public void close() {
    producer.close();
  }
}
