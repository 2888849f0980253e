package dev.idvstreams.aliyun;

import io.vertx.core.json.JsonObject;

/**
 * Lenient reading of the APIs' JSON, whose documents type numbers and booleans as strings
 * ({@code "VerifyStatus":"1"}, {@code "passed":"true"}) while real answers may carry either form.
 */
final class JsonValues {

  private JsonValues() {}

  static String string(JsonObject json, String key) {
    Object value = json.getValue(key);
    return value == null ? null : String.valueOf(value);
  }

  static Integer integer(JsonObject json, String key) {
    String value = string(json, key);
    return value == null || value.isBlank() ? null : (int) Double.parseDouble(value.trim());
  }

  static Double decimal(JsonObject json, String key) {
    String value = string(json, key);
    return value == null || value.isBlank() ? null : Double.valueOf(value.trim());
  }

  static Boolean bool(JsonObject json, String key) {
    String value = string(json, key);
    return value == null || value.isBlank() ? null : Boolean.valueOf(value.trim());
  }

  /** A JSON object given either as an object or as a JSON string, as SAF's {@code Data} is. */
  static JsonObject object(JsonObject json, String key) {
    Object value = json.getValue(key);
    if (value instanceof JsonObject object) {
      return object;
    }
    if (value instanceof String text && !text.isBlank()) {
      return new JsonObject(text);
    }
    return null;
  }
}
