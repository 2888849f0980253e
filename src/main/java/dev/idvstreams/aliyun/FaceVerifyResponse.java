package dev.idvstreams.aliyun;

import io.vertx.core.json.JsonObject;

/**
 * The answer of SAF {@code intl_face_verify} (docs/provider-apis.md#face-verification-answer).
 * {@code Data} arrives as a JSON string inside the JSON body and is parsed into {@link Data}.
 */
public record FaceVerifyResponse(String requestId, Integer code, String message, Data data) {

  /** The face comparison: {@code passed}, {@code retCode} (OK_SUCCESS...), sub-code, message, details. */
  public record Data(Boolean passed, String retCode, String retCodeSub, String retMessage, ExtInfo extInfo) {

    static Data fromJson(JsonObject json) {
      if (json == null) {
        return null;
      }
      JsonObject ext = JsonValues.object(json, "extInfo");
      return new Data(JsonValues.bool(json, "passed"), json.getString("retCode"),
          JsonValues.string(json, "retCodeSub"), json.getString("retMessage"),
          ext == null ? null : new ExtInfo(JsonValues.bool(ext, "result"), JsonValues.decimal(ext, "score"),
              JsonValues.bool(ext, "faceAttack")));
    }
  }

  /** {@code result}: the final verdict; {@code score}: face similarity; {@code faceAttack}: a spoof. */
  public record ExtInfo(Boolean result, Double score, Boolean faceAttack) {}

  static FaceVerifyResponse fromBody(JsonObject body) {
    return new FaceVerifyResponse(body.getString("RequestId"), JsonValues.integer(body, "Code"),
        body.getString("Message"), Data.fromJson(JsonValues.object(body, "Data")));
  }
}
