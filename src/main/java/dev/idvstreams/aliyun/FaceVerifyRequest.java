package dev.idvstreams.aliyun;

import dev.idvstreams.api.Api;
import io.vertx.core.json.JsonObject;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A SAF {@code ExecuteRequest} with {@code Service=intl_face_verify}
 * (docs/provider-apis.md#face-verification-request): the ID photo ({@code refFaceContent}), the
 * face photo ({@code authFaceContent}) and the country's {@code resourceCode}. The images are
 * bytes: one given by URL is downloaded first ({@link IdVerificationClient#image}), so a paced call
 * only sends.
 */
public record FaceVerifyRequest(String resourceCode, byte[] refFace, byte[] authFace) {

  public FaceVerifyRequest {
    Objects.requireNonNull(resourceCode, "resourceCode");
    Objects.requireNonNull(refFace, "refFace");
    Objects.requireNonNull(authFace, "authFace");
  }

  /**
   * The operation's parameters for these image bytes: {@code ServiceParameters} is a JSON string
   * whose images are plain base64, without a {@code data:} prefix and without line breaks, as the
   * guide requires ({@link Base64#getEncoder()} never inserts line breaks).
   */
  Map<String, String> parameters() {
    JsonObject service = new JsonObject()
        .put("refFaceContent", Base64.getEncoder().encodeToString(refFace))
        .put("authFaceContent", Base64.getEncoder().encodeToString(authFace))
        .put("resourceCode", resourceCode);
    Map<String, String> params = new LinkedHashMap<>();
    params.put("Service", Api.FACE_VERIFY_SERVICE);
    params.put("ServiceParameters", service.encode());
    return params;
  }
}
