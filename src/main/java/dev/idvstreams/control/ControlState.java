package dev.idvstreams.control;

import dev.idvstreams.api.Api;
import java.util.Collections;
import java.util.Map;
import java.util.OptionalLong;
import java.util.TreeMap;

/**
 * The control topic's settings in force: the latest value of each key, tombstones applied. A
 * setting the topic does not hold is the configuration file's. Immutable.
 */
public record ControlState(Map<String, Long> values) {

  public static final ControlState EMPTY = new ControlState(Map.of());

  public ControlState {
    values = Collections.unmodifiableMap(new TreeMap<>(values));
  }

  /** This state with {@code record} applied; a malformed record changes nothing. */
  public ControlState with(ControlRecord record) {
    Map<String, Long> next = new TreeMap<>(values);
    if (record instanceof ControlRecord.Set set) {
      next.put(set.key().key(), set.value());
    } else if (record instanceof ControlRecord.Removed removed) {
      next.remove(removed.key().key());
    } else {
      return this;
    }
    return new ControlState(next);
  }

  public boolean paused(Api api) {
    return values.getOrDefault(new ControlKey(ControlKey.Setting.PAUSED, api).key(), 0L) != 0;
  }

  /** The QPS limit the topic sets for {@code api}; empty: the file's. */
  public OptionalLong qps(Api api) {
    return get(new ControlKey(ControlKey.Setting.QPS, api));
  }

  /** The daily budget the topic sets for {@code api} (-1: none); empty: the file's. */
  public OptionalLong dailyBudget(Api api) {
    return get(new ControlKey(ControlKey.Setting.DAILY_BUDGET, api));
  }

  private OptionalLong get(ControlKey key) {
    Long value = values.get(key.key());
    return value == null ? OptionalLong.empty() : OptionalLong.of(value);
  }
}
