package dev.idvstreams.aliyun;

import io.vertx.core.json.JsonObject;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The answer of {@code CredentialVerifyIntl} (docs/provider-apis.md#credentialverifyintl-answer): {@code Result}, the
 * comma-separated {@code RiskTag} split into a list, {@code RiskScore} per tag, {@code MaterialInfo}.
 */
public record CredentialVerifyResponse(String requestId, String code, String message, String result,
    List<String> riskTags, Map<String, String> riskScore, String materialInfo) {

  static CredentialVerifyResponse fromBody(JsonObject body) {
    JsonObject result = body.getJsonObject("ResultObject", new JsonObject());
    String tags = result.getString("RiskTag", "");
    Map<String, String> scores = new LinkedHashMap<>();
    result.getJsonObject("RiskScore", new JsonObject()).forEach(e -> scores.put(e.getKey(), String.valueOf(e.getValue())));
    return new CredentialVerifyResponse(
        body.getString("RequestId"), body.getString("Code"), body.getString("Message"),
        JsonValues.string(result, "Result"),
        Arrays.stream(tags.split(",")).map(String::trim).filter(t -> !t.isEmpty()).toList(),
        Map.copyOf(scores),
        JsonValues.string(result, "MaterialInfo"));
  }
}
