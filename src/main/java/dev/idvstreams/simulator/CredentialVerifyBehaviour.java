package dev.idvstreams.simulator;

import dev.idvstreams.api.Api;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;
import java.util.Map;

/**
 * {@code CredentialVerifyIntl} (docs/provider-apis.md#credentialverifyintl): checks the required parameters and the
 * image, then answers {@code Result} 0 (no risk), 1 (risk: one tag per {@code sim-risk-TAG}) or 2
 * (suspected: {@code sim-suspect}); {@code sim-error-CODE} answers that error.
 */
final class CredentialVerifyBehaviour implements ApiBehaviour {

  /** 3 MB for ImageFileObject, from the reference's image requirements. */
  static final int MAX_INLINE_BYTES = 3 * 1024 * 1024;

  @Override
  public ApiAnswer answer(Map<String, String> params, String requestId) {
    Api api = Api.CREDENTIAL_VERIFY_INTL;
    for (String required : List.of("CredType", "CredName", "ProductCode")) {
      if (params.getOrDefault(required, "").isBlank()) {
        return ApiErrors.answer(api, "MissingParameter", required + " cannot be empty.", requestId);
      }
    }
    String url = params.getOrDefault("ImageUrl", "");
    String file = params.getOrDefault("ImageFile", "");
    if (url.isBlank() && file.isBlank()) {
      return ApiErrors.answer(api, "MissingParameter", "ImageUrl or ImageFile cannot be empty.", requestId);
    }
    if (!url.isBlank() && !url.startsWith("http://") && !url.startsWith("https://")) {
      return ApiErrors.answer(api, "InvalidParameter", "ImageUrl must be an http or https URL.", requestId);
    }
    byte[] image;
    try {
      image = file.isBlank() ? new byte[0] : Base64.getDecoder().decode(file);
    } catch (IllegalArgumentException e) {
      return ApiErrors.answer(api, "InvalidParameter", "ImageFile is not base64.", requestId);
    }
    if (image.length > MAX_INLINE_BYTES) {
      return ApiErrors.answer(api, "ToolargeImage", requestId);
    }
    Markers markers = new Markers(String.join(" ", params.values()) + " " + new String(image, StandardCharsets.ISO_8859_1));
    if (markers.value("error").isPresent()) {
      return ApiErrors.answer(api, markers.value("error").get(), requestId);
    }
    List<String> tags = markers.values("risk");
    JsonObject scores = new JsonObject();
    tags.forEach(tag -> scores.put(tag, "0.97"));
    String result = !tags.isEmpty() ? "1" : markers.has("suspect") ? "2" : "0";
    return new ApiAnswer(200, new JsonObject()
        .put("RequestId", requestId)
        .put("Code", "Success")
        .put("Message", "success")
        .put("ResultObject", new JsonObject()
            .put("Result", result)
            .put("RiskTag", String.join(",", tags))
            .put("RiskScore", scores)
            .put("MaterialInfo", "{}")));
  }

  @Override
  public String repeatKey(Map<String, String> params) {
    return ApiBehaviour.contentHash(params);
  }
}
