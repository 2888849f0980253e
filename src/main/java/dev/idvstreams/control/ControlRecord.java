package dev.idvstreams.control;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;

/**
 * One record of the control topic, read: a setting and its value, its removal (a tombstone: the
 * configuration file's value applies again), or why it is ignored. The value is JSON,
 * {@code {"value": ...}}: {@code true} or {@code false} for {@code paused.<api>}, a whole number of
 * calls per second from 1 for {@code qps.<api>}, a whole number of calls from -1 (none) for
 * {@code budget.daily.<api>}. Other fields (who set it, why) are allowed and ignored.
 */
public sealed interface ControlRecord {

  /** The largest QPS limit a record may set: far above any account's, small enough to be sure of a typo. */
  long MAX_QPS = 100_000;

  /** A setting given a value. */
  record Set(ControlKey key, long value) implements ControlRecord {}

  /** A setting removed: the file's value applies again. */
  record Removed(ControlKey key) implements ControlRecord {}

  /** A record that sets nothing, and why; the key as written, for the log. */
  record Malformed(String key, String reason) implements ControlRecord {}

  /** Reads a record of the control topic ({@code value} null: a tombstone). */
  static ControlRecord parse(String key, byte[] value) {
    ControlKey parsed = ControlKey.parse(key).orElse(null);
    if (parsed == null) {
      return new Malformed(key, "the key names no setting: expected paused.<api>, qps.<api> or budget.daily.<api>, "
          + "<api> one of credential-verify-intl, verify-material, face-verify");
    }
    if (value == null) {
      return new Removed(parsed);
    }
    Object given;
    try {
      JsonObject json = new JsonObject(new String(value, StandardCharsets.UTF_8));
      if (!json.containsKey("value")) {
        return new Malformed(key, "the value has no \"value\" field: expected {\"value\": ...}");
      }
      given = json.getValue("value");
    } catch (DecodeException | ClassCastException e) {
      return new Malformed(key, "the value is not a JSON object: expected {\"value\": ...}");
    }
    return switch (parsed.setting()) {
      case PAUSED -> given instanceof Boolean paused ? new Set(parsed, paused ? 1 : 0)
          : new Malformed(key, "expected true or false, got " + describe(given));
      case QPS -> wholeNumber(given, parsed.setting()) ? new Set(parsed, ((Number) given).longValue())
          : new Malformed(key, "expected a whole number of calls per second from 1 to " + MAX_QPS + ", got "
              + describe(given));
      case DAILY_BUDGET -> wholeNumber(given, parsed.setting()) ? new Set(parsed, ((Number) given).longValue())
          : new Malformed(key, "expected a whole number of calls from -1 (no budget), got " + describe(given));
    };
  }

  /** The record that sets {@code key} to {@code value}, as {@code control} writes it. */
  static byte[] encode(long value, ControlKey key, String by) {
    Object json = key.setting() == ControlKey.Setting.PAUSED ? (Object) (value != 0) : (Object) value;
    return new JsonObject().put("value", json).put("by", by).encode().getBytes(StandardCharsets.UTF_8);
  }

  private static boolean wholeNumber(Object given, ControlKey.Setting setting) {
    if (!(given instanceof Number number) || given instanceof Double || given instanceof Float) {
      return false;
    }
    return setting.accepts(number.longValue());
  }

  /** A value for an error message: its JSON type and, for a short scalar, itself. */
  private static String describe(Object given) {
    if (given == null) {
      return "null";
    }
    String text = String.valueOf(given);
    return (given instanceof String ? "a string" : given.getClass().getSimpleName().toLowerCase())
        + (text.length() <= 20 && !(given instanceof String) ? " " + text : "");
  }
}
