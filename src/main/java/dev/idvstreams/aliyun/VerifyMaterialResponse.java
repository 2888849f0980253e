package dev.idvstreams.aliyun;

import io.vertx.core.json.JsonObject;

/**
 * The answer of {@code VerifyMaterial} (docs/provider-apis.md#verifymaterial-answer): {@code VerifyStatus} (1 passed,
 * 2..12 reasons), both comparison scores (0..100), {@code VerifyToken} and the {@code Material},
 * including the OCR of the ID card. The API spells one score {@code AuthorityComparisionScore}.
 * {@link #toString()} masks the personal data the material echoes.
 */
public record VerifyMaterialResponse(String requestId, String code, String message, Boolean success,
    Integer verifyStatus, Double authorityComparisonScore, Double idCardFaceComparisonScore,
    String verifyToken, Material material) {

  /** The submitted material as the service saw it. */
  public record Material(String faceGlobalUrl, String faceImageUrl, Boolean faceMask, String faceQuality,
      String idCardName, String idCardNumber, IdCardInfo idCardInfo) {

    static Material fromJson(JsonObject json) {
      if (json == null) {
        return null;
      }
      JsonObject card = json.getJsonObject("IdCardInfo");
      return new Material(json.getString("FaceGlobalUrl"), json.getString("FaceImageUrl"),
          JsonValues.bool(json, "FaceMask"), json.getString("FaceQuality"), json.getString("IdCardName"),
          json.getString("IdCardNumber"), card == null ? null : IdCardInfo.fromJson(card));
    }

    @Override
    public String toString() {
      return "Material[faceQuality=" + faceQuality + ", faceMask=" + faceMask + ", idCardName="
          + Masking.name(idCardName) + ", idCardNumber=" + Masking.idNumber(idCardNumber)
          + ", idCardInfo=" + (idCardInfo != null) + "]";
    }
  }

  /** The OCR of the ID card; any field may be missing when the photo could not be read. */
  public record IdCardInfo(String name, String number, String sex, String nationality, String birth,
      String address, String authority, String startDate, String endDate, String frontImageUrl,
      String backImageUrl) {

    static IdCardInfo fromJson(JsonObject json) {
      return new IdCardInfo(json.getString("Name"), json.getString("Number"), json.getString("Sex"),
          json.getString("Nationality"), json.getString("Birth"), json.getString("Address"),
          json.getString("Authority"), json.getString("StartDate"), json.getString("EndDate"),
          json.getString("FrontImageUrl"), json.getString("BackImageUrl"));
    }

    @Override
    public String toString() {
      return "IdCardInfo[name=" + Masking.name(name) + ", number=" + Masking.idNumber(number) + "]";
    }
  }

  static VerifyMaterialResponse fromBody(JsonObject body) {
    JsonObject result = body.getJsonObject("ResultObject", new JsonObject());
    return new VerifyMaterialResponse(body.getString("RequestId"), JsonValues.string(body, "Code"),
        body.getString("Message"), JsonValues.bool(body, "Success"),
        JsonValues.integer(result, "VerifyStatus"),
        JsonValues.decimal(result, "AuthorityComparisionScore"),
        JsonValues.decimal(result, "IdCardFaceComparisonScore"),
        result.getString("VerifyToken"),
        Material.fromJson(result.getJsonObject("Material")));
  }
}
