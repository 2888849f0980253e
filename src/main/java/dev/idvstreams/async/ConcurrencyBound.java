package dev.idvstreams.async;

import java.time.Duration;

/**
 * The in-flight bound for one API by Little's law: calls in flight = rate × call latency. With
 * headroom on top, so requests waiting for a token or a retry do not leave the rate unused; under
 * a configured ceiling, so a very slow API cannot pin an unbounded number of requests.
 *
 * <p>Latency is an exponentially weighted moving average of observed call latencies, starting from
 * a configured estimate so the bound is sensible before the first answer.
 */
public final class ConcurrencyBound {

    private final double headroom;
    private final int ceiling;
    private final double smoothing;
    private double averageLatencyNanos;

    /**
     * @param headroom multiplier over the Little's-law figure, at least 1
     * @param ceiling the largest bound ever returned, at least 1
     * @param smoothing weight of each new latency sample, in (0, 1]
     * @param initialLatency the latency assumed until calls are observed
     */
    public ConcurrencyBound(double headroom, int ceiling, double smoothing, Duration initialLatency) {
        if (headroom < 1) {
            throw new IllegalArgumentException("headroom must be at least 1, was " + headroom);
        }
        if (ceiling < 1) {
            throw new IllegalArgumentException("ceiling must be at least 1, was " + ceiling);
        }
        if (!(smoothing > 0 && smoothing <= 1)) {
            throw new IllegalArgumentException("smoothing must be in (0, 1], was " + smoothing);
        }
        this.headroom = headroom;
        this.ceiling = ceiling;
        this.smoothing = smoothing;
        this.averageLatencyNanos = initialLatency.toNanos();
    }

    public synchronized void recordLatency(Duration latency) {
        averageLatencyNanos += smoothing * (latency.toNanos() - averageLatencyNanos);
    }

    public synchronized Duration averageLatency() {
        return Duration.ofNanos(Math.round(averageLatencyNanos));
    }

    /** The bound for calls made at {@code ratePerSecond}, in [1, ceiling]. */
    public synchronized int boundFor(double ratePerSecond) {
        double littlesLaw = ratePerSecond * averageLatencyNanos / 1e9 * headroom;
        return (int) Math.max(1, Math.min(ceiling, Math.ceil(littlesLaw)));
    }
}
