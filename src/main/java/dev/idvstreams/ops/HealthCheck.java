package dev.idvstreams.ops;

import java.net.HttpURLConnection;
import java.util.function.Supplier;
import org.apache.kafka.streams.KafkaStreams;

/**
 * Liveness and readiness of the processor, as HTTP status codes derived from the Kafka Streams
 * state alone; {@link OpsHttpServer} only serves them.
 *
 * <p>Readiness: 200 when {@code RUNNING}, else 503. Only a running instance processes records, and
 * Kubernetes uses readiness to pace a rolling update, so "ready" must mean "processing".
 *
 * <p>Liveness: 500 when {@code NOT_RUNNING}, {@code PENDING_ERROR} or {@code ERROR}, else 200. As
 * in michelin/kstreamplify, a starting, rebalancing or shutting-down instance is alive: a restart
 * would only start the rebalance over. Unlike kstreamplify, {@code ERROR} and {@code PENDING_ERROR}
 * fail too: since Kafka 2.8 (KIP-663, KIP-671) they mean the client is shutting down or has shut
 * down after a fatal error and will never process again, which only a restart cures.
 *
 * <p>Before the {@link KafkaStreams} instance exists the supplier returns null: alive (the process
 * is starting) but not ready.
 */
public final class HealthCheck {

  /** A probe's answer: the HTTP status and the state it was derived from, for the response body. */
  public record Probe(int status, String state) {}

  /** The state reported while the supplier still returns null. */
  static final String NOT_CREATED = "NOT_CREATED";

  private final Supplier<KafkaStreams.State> state;

  /** @param state the current state, usually {@code streams::state}; null before the instance exists */
  public HealthCheck(Supplier<KafkaStreams.State> state) {
    this.state = state;
  }

  public Probe liveness() {
    KafkaStreams.State current = state.get();
    return new Probe(isDead(current) ? HttpURLConnection.HTTP_INTERNAL_ERROR : HttpURLConnection.HTTP_OK,
        name(current));
  }

  public Probe readiness() {
    KafkaStreams.State current = state.get();
    return new Probe(current == KafkaStreams.State.RUNNING ? HttpURLConnection.HTTP_OK
        : HttpURLConnection.HTTP_UNAVAILABLE, name(current));
  }

  private static boolean isDead(KafkaStreams.State current) {
    return current == KafkaStreams.State.NOT_RUNNING
        || current == KafkaStreams.State.PENDING_ERROR
        || current == KafkaStreams.State.ERROR;
  }

  private static String name(KafkaStreams.State current) {
    return current == null ? NOT_CREATED : current.name();
  }
}
