package dev.idvstreams.aliyun;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A {@code VerifyMaterial} call (docs/provider-apis.md#verifymaterial-request). Images are HTTP(S) URLs. {@code BizId}
 * names one verification task, which may be resubmitted until it passes. {@code userId} and
 * {@code regionId} are optional. {@link #toString()} masks the ID number and hides the name.
 */
public record VerifyMaterialRequest(String bizId, String bizType, String name, String idCardNumber,
    String faceImageUrl, String idCardFrontImageUrl, String idCardBackImageUrl, String userId, String regionId) {

  public VerifyMaterialRequest {
    Objects.requireNonNull(bizId, "bizId");
    Objects.requireNonNull(bizType, "bizType");
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(idCardNumber, "idCardNumber");
    Objects.requireNonNull(faceImageUrl, "faceImageUrl");
  }

  /** A call with the required fields and the two optional card images (either may be null). */
  public static VerifyMaterialRequest of(String bizId, String bizType, String name, String idCardNumber,
      String faceImageUrl, String idCardFrontImageUrl, String idCardBackImageUrl) {
    return new VerifyMaterialRequest(bizId, bizType, name, idCardNumber, faceImageUrl,
        idCardFrontImageUrl, idCardBackImageUrl, null, null);
  }

  /** The operation's parameters, as the API names them; absent optional fields are left out. */
  public Map<String, String> parameters() {
    Map<String, String> params = new LinkedHashMap<>();
    params.put("BizId", bizId);
    params.put("BizType", bizType);
    params.put("Name", name);
    params.put("IdCardNumber", idCardNumber);
    params.put("FaceImageUrl", faceImageUrl);
    putIfPresent(params, "IdCardFrontImageUrl", idCardFrontImageUrl);
    putIfPresent(params, "IdCardBackImageUrl", idCardBackImageUrl);
    putIfPresent(params, "UserId", userId);
    putIfPresent(params, "RegionId", regionId);
    return params;
  }

  private static void putIfPresent(Map<String, String> params, String key, String value) {
    if (value != null && !value.isEmpty()) {
      params.put(key, value);
    }
  }

  @Override
  public String toString() {
    return "VerifyMaterialRequest[bizId=" + bizId + ", bizType=" + bizType + ", name=" + Masking.name(name)
        + ", idCardNumber=" + Masking.idNumber(idCardNumber) + ", front=" + (idCardFrontImageUrl != null)
        + ", back=" + (idCardBackImageUrl != null) + "]";
  }
}
