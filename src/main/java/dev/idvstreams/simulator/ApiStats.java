package dev.idvstreams.simulator;

import dev.idvstreams.api.SignatureVersion;
import io.vertx.core.json.JsonObject;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/** The counters of one simulated API; {@code GET /_sim/stats} shows one of these per API, {@link Simulator#stats()} their {@link Snapshot}s. */
public final class ApiStats {

  /**
   * A consistent copy. {@code calls} counts every call naming the API; {@code accepted} those within
   * the QPS limit; {@code maxCallsInAnyOneSecondWindow} the most accepted calls in any 1-second window;
   * {@code signedV1} and {@code signedV3} the correctly signed calls by signature version;
   * {@code maxConcurrentCallsPerKey} the most calls for one business key (the repeat key: VerifyMaterial's
   * {@code BizId}, else the hash of the parameters) in flight at once, over every call naming the API;
   * {@code callsInFlight} the calls received and not yet answered (or closed by the caller) now.
   */
  public record Snapshot(long calls, long accepted, long throttled, long repeated, long signatureFailures,
      int maxCallsInAnyOneSecondWindow, int qpsLimit, long signedV1, long signedV3, int maxConcurrentCallsPerKey,
      int callsInFlight) {

    JsonObject toJson() {
      return new JsonObject().put("calls", calls).put("accepted", accepted).put("throttled", throttled)
          .put("repeated", repeated).put("signatureFailures", signatureFailures)
          .put("maxCallsInAnyOneSecondWindow", maxCallsInAnyOneSecondWindow).put("qpsLimit", qpsLimit)
          .put("signedV1", signedV1).put("signedV3", signedV3)
          .put("maxConcurrentCallsPerKey", maxConcurrentCallsPerKey).put("callsInFlight", callsInFlight);
    }

    /** The snapshot that {@code GET /_sim/stats} showed as {@code json}, for a simulator in another JVM. */
    public static Snapshot fromJson(JsonObject json) {
      return new Snapshot(json.getLong("calls"), json.getLong("accepted"), json.getLong("throttled"),
          json.getLong("repeated"), json.getLong("signatureFailures"), json.getInteger("maxCallsInAnyOneSecondWindow"),
          json.getInteger("qpsLimit"), json.getLong("signedV1"), json.getLong("signedV3"),
          json.getInteger("maxConcurrentCallsPerKey"), json.getInteger("callsInFlight"));
    }
  }

  private final SlidingWindowLimiter limiter;
  private long calls;
  private long accepted;
  private long throttled;
  private long repeated;
  private long signatureFailures;
  private long signedV1;
  private long signedV3;
  /** Calls in flight per business key; a key leaves when its count drops to zero. */
  private final ConcurrentHashMap<String, Integer> inFlight = new ConcurrentHashMap<>();
  private final AtomicInteger maxConcurrentCallsPerKey = new AtomicInteger();
  /** When each business key was called (ms since the epoch), for telling a repeated request apart from a retry. */
  private final ConcurrentHashMap<String, List<Long>> callTimes = new ConcurrentHashMap<>();

  /**
   * When each accepted call arrived ({@link System#nanoTime()}), for measuring a rate over part of
   * a run; the first {@link #ARRIVALS_KEPT} only, so a long-running simulator stays bounded.
   */
  private long[] arrivals = new long[1024];
  private int arrivalCount;
  private static final int ARRIVALS_KEPT = 4_000_000;

  ApiStats(int qpsLimit) {
    this.limiter = new SlidingWindowLimiter(qpsLimit);
  }

  synchronized void call() {
    calls++;
  }

  /**
   * Counts a call for {@code key} as in flight from now; the returned action ends it (the first run
   * only), to be run when the answer is sent or the connection is gone.
   */
  Runnable inFlight(String key) {
    callTimes.computeIfAbsent(key, k -> Collections.synchronizedList(new ArrayList<>()))
        .add(System.currentTimeMillis());
    int now = inFlight.merge(key, 1, Integer::sum);
    maxConcurrentCallsPerKey.accumulateAndGet(now, Math::max);
    AtomicBoolean ended = new AtomicBoolean();
    return () -> {
      if (ended.compareAndSet(false, true)) {
        inFlight.computeIfPresent(key, (k, n) -> n == 1 ? null : n - 1);
      }
    };
  }

  /** The keys called at least {@code minCalls} times, with the times of their calls (ms since the epoch). */
  public Map<String, List<Long>> keysCalled(int minCalls) {
    Map<String, List<Long>> called = new TreeMap<>();
    callTimes.forEach((key, times) -> {
      synchronized (times) {
        if (times.size() >= minCalls) {
          called.put(key, List.copyOf(times));
        }
      }
    });
    return called;
  }

  synchronized void signatureFailure() {
    signatureFailures++;
  }

  synchronized void signed(SignatureVersion version) {
    if (version == SignatureVersion.V1) {
      signedV1++;
    } else {
      signedV3++;
    }
  }

  /** Whether the call is within the QPS limit; counts it as accepted or throttled. */
  synchronized boolean admit(long nowNanos) {
    boolean ok = limiter.tryAcquire(nowNanos);
    if (ok) {
      accepted++;
      recordArrival(nowNanos);
    } else {
      throttled++;
    }
    return ok;
  }

  private void recordArrival(long nowNanos) {
    if (arrivalCount == ARRIVALS_KEPT) {
      return;
    }
    if (arrivalCount == arrivals.length) {
      arrivals = Arrays.copyOf(arrivals, Math.min(ARRIVALS_KEPT, arrivals.length * 2));
    }
    arrivals[arrivalCount++] = nowNanos;
  }

  /** The arrival times of the accepted calls so far, in {@link System#nanoTime()}, in order. */
  synchronized long[] acceptedArrivals() {
    return Arrays.copyOf(arrivals, arrivalCount);
  }

  synchronized void repeat() {
    repeated++;
  }

  synchronized Snapshot snapshot() {
    return new Snapshot(calls, accepted, throttled, repeated, signatureFailures, limiter.maxInAnyWindow(),
        limiter.limit(), signedV1, signedV3, maxConcurrentCallsPerKey.get(),
        inFlight.values().stream().mapToInt(Integer::intValue).sum());
  }
}
