package dev.idvstreams.simulator;

import dev.idvstreams.api.Api;
import dev.idvstreams.aliyun.Masking;
import dev.idvstreams.aliyun.SignatureV3;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * {@code VerifyMaterial} (docs/provider-apis.md#verifymaterial): checks the required parameters, then answers
 * {@code VerifyStatus} 1 unless a {@code sim-status-N} marker asks for N (2..12); the scores follow
 * the status (6: low card-face score, 7: low authority score, 11 and 12: no authority photo), and
 * the ID card's OCR block comes back when a card image was sent.
 */
final class VerifyMaterialBehaviour implements ApiBehaviour {

  @Override
  public ApiAnswer answer(Map<String, String> params, String requestId) {
    Api api = Api.VERIFY_MATERIAL;
    for (String required : List.of("BizId", "BizType", "Name", "IdCardNumber", "FaceImageUrl")) {
      if (params.getOrDefault(required, "").isBlank()) {
        return ApiErrors.answer(api, "ParameterIsNull", required + " must not be empty.", requestId);
      }
    }
    if (params.get("BizId").length() > 64) {
      return ApiErrors.answer(api, "InvalidParameter", "BizId is longer than 64 characters.", requestId);
    }
    for (String image : List.of("FaceImageUrl", "IdCardFrontImageUrl", "IdCardBackImageUrl")) {
      String url = params.get(image);
      if (url != null && !url.startsWith("http://") && !url.startsWith("https://")) {
        return ApiErrors.answer(api, "InvalidParameter", image + " must be an http or https URL.", requestId);
      }
    }
    Markers markers = new Markers(String.join(" ", params.values()));
    if (markers.value("error").isPresent()) {
      return ApiErrors.answer(api, markers.value("error").get(), requestId);
    }
    int status = markers.value("status").filter(v -> v.matches("\\d{1,2}")).map(Integer::parseInt).orElse(1);
    String front = params.get("IdCardFrontImageUrl");
    String back = params.get("IdCardBackImageUrl");
    JsonObject result = new JsonObject()
        .put("VerifyStatus", String.valueOf(status))
        .put("AuthorityComparisionScore", String.valueOf(status == 7 ? 41 : status >= 11 ? 0 : 97))
        .put("VerifyToken", SignatureV3.sha256Hex(params.get("BizId").getBytes(StandardCharsets.UTF_8)).substring(0, 32))
        .put("Material", material(params, markers, status, front, back));
    if (front != null) {
      result.put("IdCardFaceComparisonScore", String.valueOf(status == 6 ? 38 : 96));
    }
    return new ApiAnswer(200, new JsonObject()
        .put("ResultObject", result)
        .put("Message", "success")
        .put("RequestId", requestId)
        .put("Code", "200")
        .put("Success", "true"));
  }

  @Override
  public String repeatKey(Map<String, String> params) {
    // one BizId is one verification task (docs/provider-apis.md#verifymaterial-resubmission)
    return params.getOrDefault("BizId", "");
  }

  private static JsonObject material(Map<String, String> params, Markers markers, int status, String front, String back) {
    String number = params.get("IdCardNumber");
    JsonObject material = new JsonObject()
        .put("FaceImageUrl", params.get("FaceImageUrl"))
        .put("FaceQuality", markers.value("quality").orElse("NORMAL"))
        .put("FaceMask", String.valueOf(markers.has("mask")))
        .put("IdCardName", params.get("Name"))
        .put("IdCardNumber", Masking.idNumber(number));
    if (front != null || back != null) {
      JsonObject card = new JsonObject()
          .put("Name", params.get("Name"))
          .put("Number", Masking.idNumber(number))
          .put("Address", "浙江省杭州市余杭区文一西路969号")
          .put("Authority", "杭州市公安局")
          .put("Nationality", "汉")
          .put("StartDate", "20201101")
          .put("EndDate", status == 5 ? "20201101" : "20401101");
      if (number.length() == 18) {
        card.put("Birth", number.substring(6, 14)).put("Sex", (number.charAt(16) - '0') % 2 == 1 ? "男" : "女");
      }
      if (front != null) {
        card.put("FrontImageUrl", front);
      }
      if (back != null) {
        card.put("BackImageUrl", back);
      }
      material.put("IdCardInfo", card);
    }
    return material;
  }
}
