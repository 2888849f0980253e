package dev.idvstreams.aliyun;

import static org.assertj.core.api.Assertions.assertThat;

import com.aliyun.tea.TeaRequest;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Our signatures against the official SDK's own functions ({@code com.aliyun.openapiutil.Client}),
 * for many generated inputs: Chinese names, spaces, reserved characters, empty values, long base64.
 */
class SignatureAgainstSdkTest {

  private static final List<String> FRAGMENTS = List.of(
      "张三", "李 四", "a b", "*", "~", "+", "/", "=", "&", "%", "?", "#", "é", "😀", "-_.",
      "02343218901123****", "http://image-demo.img-cn-hangzhou.aliyuncs.com/example.jpg?x=1&y=2", "");

  private final Random random = new Random(20261125L);

  @Test
  void shouldMatchSdkRpcSignatureForGeneratedParameters() throws Exception {
    for (int i = 0; i < 500; i++) {
      Map<String, String> params = generatedParameters();
      String secret = generatedValue() + "Sk" + i;
      String method = random.nextBoolean() ? "POST" : "GET";

      String expected = com.aliyun.openapiutil.Client.getRPCSignature(params, method, secret);

      assertThat(RpcSignatureV1.sign(method, params, secret)).as("params %s", params.keySet()).isEqualTo(expected);
    }
  }

  @Test
  void shouldMatchSdkV3AuthorizationForGeneratedRequests() throws Exception {
    for (int i = 0; i < 500; i++) {
      TeaRequest request = new TeaRequest();
      request.method = random.nextBoolean() ? "POST" : "GET";
      request.pathname = "/";
      request.query = generatedParameters();
      request.headers = new HashMap<>(Map.of(
          "host", "cloudauth-intl.ap-southeast-1.aliyuncs.com",
          "x-acs-action", "CredentialVerifyIntl",
          "x-acs-version", "2022-08-09",
          "x-acs-date", "2026-11-25T03:00:0" + (i % 10) + "Z",
          "x-acs-signature-nonce", "nonce-" + i,
          "content-type", "application/x-www-form-urlencoded",
          "accept", "application/json",
          "user-agent", "idv-streams"));
      String payload = SignatureV3.sha256Hex(generatedValue().getBytes(StandardCharsets.UTF_8));
      request.headers.put("x-acs-content-sha256", payload);
      String secret = "secret/" + generatedValue();

      String expected = com.aliyun.openapiutil.Client.getAuthorization(
          request, SignatureV3.ALGORITHM, payload, "LTAI-test-id", secret);

      assertThat(SignatureV3.authorization(request.method, request.pathname, request.query, request.headers,
          payload, "LTAI-test-id", secret)).isEqualTo(expected);
    }
  }

  @Test
  void shouldLeaveEmptyValuesOutOfRpcSignatureButKeepThemWhenAsked() throws Exception {
    Map<String, String> withEmpty = new LinkedHashMap<>(Map.of("Action", "ExecuteRequest", "UserId", ""));
    Map<String, String> withoutEmpty = Map.of("Action", "ExecuteRequest");

    assertThat(RpcSignatureV1.sign("POST", withEmpty, "s")).isEqualTo(RpcSignatureV1.sign("POST", withoutEmpty, "s"));
    assertThat(RpcSignatureV1.signKeepingEmptyValues("POST", withEmpty, "s"))
        .isNotEqualTo(RpcSignatureV1.sign("POST", withEmpty, "s"));
  }

  private Map<String, String> generatedParameters() {
    Map<String, String> params = new HashMap<>();
    params.put("Action", "VerifyMaterial");
    params.put("Timestamp", "2026-11-25T03:00:00Z");
    int n = 1 + random.nextInt(8);
    for (int k = 0; k < n; k++) {
      params.put("P" + random.nextInt(100) + FRAGMENTS.get(random.nextInt(4)).trim(), generatedValue());
    }
    return params;
  }

  private String generatedValue() {
    if (random.nextInt(10) == 0) {
      byte[] image = new byte[20_000 + random.nextInt(20_000)];
      random.nextBytes(image);
      return Base64.getEncoder().encodeToString(image);
    }
    StringBuilder sb = new StringBuilder();
    int parts = random.nextInt(5);
    for (int p = 0; p < parts; p++) {
      sb.append(FRAGMENTS.get(random.nextInt(FRAGMENTS.size())));
    }
    return sb.toString();
  }
}
