package dev.idvstreams.control;

import dev.idvstreams.api.Api;
import java.util.Optional;

/**
 * What a control record sets, read from its key: {@code paused.<api>}, {@code qps.<api>} or
 * {@code budget.daily.<api>}, where {@code <api>} is the API's id in the configuration
 * ({@code credential-verify-intl}, {@code verify-material}, {@code face-verify}). The keys are the
 * configuration's own where the file has the setting ({@code qps.<api>}, {@code budget.daily.<api>}), so a value on the topic
 * overrides the file's of the same name.
 */
public record ControlKey(Setting setting, Api api) {

  /** A setting the control topic can change. */
  public enum Setting {
    /** {@code true}: the API's requests are held as for an account error, none is called (1; 0 resumes). */
    PAUSED("paused.", 0, 1),
    /** The account's QPS limit for the API, for the whole group. */
    QPS("qps.", 1, ControlRecord.MAX_QPS),
    /** Calls the group may make to the API in a day (the cost guard); -1: none. */
    DAILY_BUDGET("budget.daily.", -1, Long.MAX_VALUE);

    private final String prefix;
    private final long min;
    private final long max;

    Setting(String prefix, long min, long max) {
      this.prefix = prefix;
      this.min = min;
      this.max = max;
    }

    /** Whether {@code value} is one this setting takes: the one range the topic's reader and the command check. */
    public boolean accepts(long value) {
      return value >= min && value <= max;
    }

    public long min() {
      return min;
    }

    public long max() {
      return max;
    }
  }

  /** The key as the topic holds it. */
  public String key() {
    return setting.prefix + api.id();
  }

  /** The setting {@code key} names, if it names one. */
  public static Optional<ControlKey> parse(String key) {
    if (key == null) {
      return Optional.empty();
    }
    for (Setting setting : Setting.values()) {
      if (key.startsWith(setting.prefix)) {
        String id = key.substring(setting.prefix.length());
        for (Api api : Api.values()) {
          if (api.id().equals(id)) {
            return Optional.of(new ControlKey(setting, api));
          }
        }
      }
    }
    return Optional.empty();
  }
}
