package dev.idvstreams.simulator;

import dev.idvstreams.api.Api;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Map;

/**
 * SAF {@code ExecuteRequest} with {@code Service=intl_face_verify} (docs/provider-apis.md#face-verification-request):
 * checks the service, the {@code ServiceParameters} JSON and both images (base64 without a
 * {@code data:} prefix or line breaks, decoding to a JPG), then answers from the markers in the
 * images' bytes or the resource code: {@code sim-mismatch}, {@code sim-spoof}, {@code sim-unusable},
 * {@code sim-processing}, {@code sim-error-CODE}; otherwise a pass.
 */
final class FaceVerifyBehaviour implements ApiBehaviour {

  @Override
  public ApiAnswer answer(Map<String, String> params, String requestId) {
    Api api = Api.FACE_VERIFY;
    if (!Api.FACE_VERIFY_SERVICE.equals(params.get("Service"))) {
      return ApiErrors.answer(api, "404", requestId);
    }
    JsonObject service;
    try {
      service = new JsonObject(params.getOrDefault("ServiceParameters", ""));
    } catch (DecodeException | ClassCastException e) {
      return ApiErrors.answer(api, "400", "ServiceParameters is not a JSON object", requestId);
    }
    String ref = service.getString("refFaceContent");
    String auth = service.getString("authFaceContent");
    String resourceCode = service.getString("resourceCode");
    if (ref == null || auth == null || resourceCode == null || ref.isEmpty() || auth.isEmpty() || resourceCode.isEmpty()) {
      return ApiErrors.answer(api, "400", "refFaceContent or authFaceContent or resourceCode is null", requestId);
    }
    byte[] refImage = jpg(ref);
    byte[] authImage = jpg(auth);
    if (refImage == null || authImage == null) {
      return ApiErrors.answer(api, "400",
          "images must be base64 JPG without a data: prefix and without line breaks", requestId);
    }
    Markers markers = new Markers(resourceCode + " " + new String(refImage, StandardCharsets.ISO_8859_1)
        + " " + new String(authImage, StandardCharsets.ISO_8859_1));
    if (markers.value("error").isPresent()) {
      return ApiErrors.answer(api, markers.value("error").get(), requestId);
    }
    JsonObject data;
    if (markers.has("unusable")) {
      data = data("false", "UNABLE_GET_IMAGE", "Z1146", "the data for comparison is unavailable", null);
    } else if (markers.has("processing")) {
      data = data("false", "PROCESSING", "Z1147", "the photo cannot be parsed, try again later", null);
    } else if (markers.has("spoof")) {
      data = data("false", "OK_SUCCESS", "Z1143", "Facial recognition failed (Z1143)", ext(false, "91.2", true));
    } else if (markers.has("mismatch")) {
      data = data("false", "OK_SUCCESS", "Z1142", "Facial recognition failed (Z1142)", ext(false, "32.5", false));
    } else {
      data = data("true", "OK_SUCCESS", "Z1140", "Facial recognition passed (Z1140)", ext(true, "98.7", false));
    }
    return new ApiAnswer(200, new JsonObject()
        .put("Data", data.encode())
        .put("Message", "OK")
        .put("RequestId", requestId)
        .put("Code", 200));
  }

  @Override
  public String repeatKey(Map<String, String> params) {
    return ApiBehaviour.contentHash(params);
  }

  /** The decoded image when it is plain base64 of a JPG (starts with FF D8), else null. */
  private static byte[] jpg(String base64) {
    if (base64.startsWith("data:") || base64.indexOf('\n') >= 0 || base64.indexOf('\r') >= 0) {
      return null;
    }
    try {
      byte[] image = Base64.getDecoder().decode(base64);
      return image.length > 2 && (image[0] & 0xff) == 0xFF && (image[1] & 0xff) == 0xD8 ? image : null;
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  private static JsonObject data(String passed, String retCode, String sub, String message, JsonObject ext) {
    JsonObject data = new JsonObject().put("passed", passed).put("retCode", retCode).put("retCodeSub", sub)
        .put("retMessage", message);
    return ext == null ? data : data.put("extInfo", ext);
  }

  private static JsonObject ext(boolean result, String score, boolean faceAttack) {
    return new JsonObject().put("result", String.valueOf(result)).put("score", score)
        .put("faceAttack", String.valueOf(faceAttack));
  }
}
