package dev.idvstreams.bench;

import dev.idvstreams.api.Api;
import java.time.Duration;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The knobs of a {@link BenchStage}: the API the requests go to, the simulated latency, the QPS
 * limit per API (the simulator enforces it and the processor is told it, as an operator would set
 * it to the account's limit), the partitions of every topic, and processor settings to override.
 * Immutable; the {@code with} methods return a changed copy.
 */
public record StageSpec(Api api, Duration latency, Map<Api, Integer> limits, int partitions,
    Map<String, String> overrides) {

  public StageSpec {
    limits = Map.copyOf(limits);
    overrides = Map.copyOf(overrides);
  }

  /** No latency, the account's default limits (credential 10, material 10, face 50), 3 partitions, no overrides. */
  public static StageSpec of(Api api) {
    Map<Api, Integer> limits = new EnumMap<>(Api.class);
    limits.putAll(Map.of(Api.CREDENTIAL_VERIFY_INTL, 10, Api.VERIFY_MATERIAL, 10, Api.FACE_VERIFY, 50));
    return new StageSpec(api, Duration.ZERO, limits, 3, Map.of());
  }

  public StageSpec withLatency(Duration latency) {
    return new StageSpec(api, latency, limits, partitions, overrides);
  }

  /** The limit of the chosen API. */
  public StageSpec withLimit(int qps) {
    return withLimit(api, qps);
  }

  public StageSpec withLimit(Api other, int qps) {
    Map<Api, Integer> changed = new EnumMap<>(limits);
    changed.put(other, qps);
    return new StageSpec(api, latency, changed, partitions, overrides);
  }

  public StageSpec withPartitions(int partitions) {
    return new StageSpec(api, latency, limits, partitions, overrides);
  }

  /** A processor setting (a key of docs/configuration.md, or {@code kafka.*}) over the stage's own. */
  public StageSpec withOverride(String key, String value) {
    Map<String, String> changed = new LinkedHashMap<>(overrides);
    changed.put(key, value);
    return new StageSpec(api, latency, limits, partitions, changed);
  }

  /** The limit of the chosen API. */
  public int limit() {
    return limits.get(api);
  }
}
