package dev.idvstreams.simulator;

import dev.idvstreams.aliyun.ErrorClass;
import dev.idvstreams.api.Api;
import java.time.Duration;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * How the {@link Simulator} behaves: where it listens (127.0.0.1 only), the key pairs whose
 * signatures it accepts, the QPS limit per API, the repeated-call window, latency (fixed plus a
 * uniformly random part) and fault injection (a rate per error class, a rate of calls never
 * answered). Immutable; built with {@link #builder()}.
 */
public final class SimulatorOptions {

  public static final String DEFAULT_ACCESS_KEY_ID = "sim-access-key-id";
  public static final String DEFAULT_ACCESS_KEY_SECRET = "sim-access-key-secret";

  private final int port;
  private final Map<String, String> accessKeys;
  private final Map<Api, Integer> qps;
  private final Duration repeatWindow;
  private final Duration latency;
  private final Duration latencyJitter;
  private final Map<Api, Duration> latencyByApi;
  private final Map<ErrorClass, Double> errorRates;
  private final double timeoutRate;
  private final Duration timeoutHold;
  private final long seed;
  private final java.util.Optional<KeyStore> tls;

  /** A PKCS12 key store: the key and certificate the simulator serves https with. */
  public record KeyStore(java.nio.file.Path path, String password) {
    @Override
    public String toString() {
      return "KeyStore[" + path + "]";
    }
  }

  private SimulatorOptions(Builder b) {
    this.port = b.port;
    this.accessKeys = Map.copyOf(b.accessKeys);
    this.qps = Map.copyOf(b.qps);
    this.repeatWindow = b.repeatWindow;
    this.latency = b.latency;
    this.latencyJitter = b.latencyJitter;
    this.latencyByApi = Map.copyOf(b.latencyByApi);
    this.errorRates = Map.copyOf(b.errorRates);
    this.timeoutRate = b.timeoutRate;
    this.timeoutHold = b.timeoutHold;
    this.seed = b.seed;
    this.tls = b.tls;
  }

  public static Builder builder() {
    return new Builder();
  }

  public int port() {
    return port;
  }

  /** Access key id to secret. */
  public Map<String, String> accessKeys() {
    return accessKeys;
  }

  public int qps(Api api) {
    return qps.get(api);
  }

  public Duration repeatWindow() {
    return repeatWindow;
  }

  public Duration latency() {
    return latency;
  }

  /** The fixed latency of one API's answers: its own if one was set, else {@link #latency()}. */
  public Duration latency(Api api) {
    return latencyByApi.getOrDefault(api, latency);
  }

  public Duration latencyJitter() {
    return latencyJitter;
  }

  /** The share of accepted calls answered with an error of each class (0..1). */
  public Map<ErrorClass, Double> errorRates() {
    return errorRates;
  }

  /** The share of accepted calls held without an answer for {@link #timeoutHold()}, then closed. */
  public double timeoutRate() {
    return timeoutRate;
  }

  public Duration timeoutHold() {
    return timeoutHold;
  }

  public long seed() {
    return seed;
  }

  /** The key store to serve https with; empty: plain http. */
  public java.util.Optional<KeyStore> tls() {
    return tls;
  }

  /**
   * Defaults: a free port, the key pair {@value #DEFAULT_ACCESS_KEY_ID} / {@value #DEFAULT_ACCESS_KEY_SECRET},
   * the QPS limits of docs/provider-apis.md#rate-limits (credential detection 10, face verification 50,
   * VerifyMaterial 10), a 2 s repeat window, no latency, no faults.
   */
  public static final class Builder {
    private int port = 0;
    private final Map<String, String> accessKeys = new LinkedHashMap<>(
        Map.of(DEFAULT_ACCESS_KEY_ID, DEFAULT_ACCESS_KEY_SECRET));
    private final Map<Api, Integer> qps = new EnumMap<>(Map.of(
        Api.CREDENTIAL_VERIFY_INTL, 10, Api.VERIFY_MATERIAL, 10, Api.FACE_VERIFY, 50));
    private Duration repeatWindow = Duration.ofSeconds(2);
    private Duration latency = Duration.ZERO;
    private Duration latencyJitter = Duration.ZERO;
    private final Map<Api, Duration> latencyByApi = new EnumMap<>(Api.class);
    private final Map<ErrorClass, Double> errorRates = new EnumMap<>(ErrorClass.class);
    private double timeoutRate;
    private Duration timeoutHold = Duration.ofSeconds(30);
    private long seed = 1L;
    private java.util.Optional<KeyStore> tls = java.util.Optional.empty();

    private Builder() {}

    /** Serves https with the key and certificate of this PKCS12 key store, as the provider's gateway does. */
    public Builder tls(java.nio.file.Path keyStore, String password) {
      this.tls = java.util.Optional.of(new KeyStore(keyStore, password));
      return this;
    }

    /** 0 for a free port. */
    public Builder port(int port) {
      this.port = port;
      return this;
    }

    /** Replaces the accepted key pairs with this one. */
    public Builder accessKey(String id, String secret) {
      accessKeys.clear();
      accessKeys.put(Objects.requireNonNull(id), Objects.requireNonNull(secret));
      return this;
    }

    public Builder qps(Api api, int limit) {
      if (limit < 1) {
        throw new IllegalArgumentException("QPS limit of " + api.action() + " must be at least 1");
      }
      qps.put(api, limit);
      return this;
    }

    public Builder repeatWindow(Duration window) {
      this.repeatWindow = Objects.requireNonNull(window);
      return this;
    }

    /** Every answer waits {@code fixed} plus a uniformly random time in [0, {@code jitter}]. */
    public Builder latency(Duration fixed, Duration jitter) {
      this.latency = Objects.requireNonNull(fixed);
      this.latencyJitter = Objects.requireNonNull(jitter);
      return this;
    }

    /** {@code api}'s answers wait {@code fixed} (plus the common jitter) instead of the common latency. */
    public Builder latency(Api api, Duration fixed) {
      latencyByApi.put(api, Objects.requireNonNull(fixed));
      return this;
    }

    public Builder errorRate(ErrorClass errorClass, double rate) {
      errorRates.put(errorClass, checkRate(rate));
      return this;
    }

    public Builder timeouts(double rate, Duration hold) {
      this.timeoutRate = checkRate(rate);
      this.timeoutHold = Objects.requireNonNull(hold);
      return this;
    }

    /** The seed of the random latency and faults, so a run can be repeated. */
    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    public SimulatorOptions build() {
      double total = timeoutRate + errorRates.values().stream().mapToDouble(Double::doubleValue).sum();
      if (total > 1.0) {
        throw new IllegalArgumentException("error and timeout rates add up to more than 1: " + total);
      }
      return new SimulatorOptions(this);
    }

    private static double checkRate(double rate) {
      if (rate < 0 || rate > 1) {
        throw new IllegalArgumentException("a rate is between 0 and 1, was " + rate);
      }
      return rate;
    }
  }
}
