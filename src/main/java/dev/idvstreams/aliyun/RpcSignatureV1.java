package dev.idvstreams.aliyun;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.util.Base64;
import java.util.Map;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * RPC signature version 1.0 ({@code HMAC-SHA1}), as the SAF guide requires (docs/provider-apis.md#signature-v1):
 * the sorted, percent-encoded parameters form the string to sign
 * {@code METHOD&%2F&encode(canonical query)}, signed with the key {@code secret + "&"}.
 * Pure functions: parameters in, signature out.
 */
public final class RpcSignatureV1 {

  public static final String METHOD = "HMAC-SHA1";
  public static final String VERSION = "1.0";

  private RpcSignatureV1() {}

  /**
   * The signature of {@code params} (every parameter except {@code Signature} itself). Parameters
   * with empty values are left out, as the tea SDK ({@code openapiutil.getRPCSignature}) does.
   */
  public static String sign(String httpMethod, Map<String, String> params, String secret) {
    return hmacSha1Base64(stringToSign(httpMethod, params, true), secret);
  }

  /**
   * The signature with empty-valued parameters kept as {@code key=}, as the older
   * {@code aliyun-java-sdk-core} signs; the simulator accepts either.
   */
  public static String signKeepingEmptyValues(String httpMethod, Map<String, String> params, String secret) {
    return hmacSha1Base64(stringToSign(httpMethod, params, false), secret);
  }

  static String stringToSign(String httpMethod, Map<String, String> params, boolean skipEmpty) {
    StringBuilder query = new StringBuilder();
    for (Map.Entry<String, String> e : new TreeMap<>(params).entrySet()) {
      String value = e.getValue() == null ? "" : e.getValue();
      if (skipEmpty && value.isEmpty()) {
        continue;
      }
      if (query.length() > 0) {
        query.append('&');
      }
      query.append(PercentEncoding.encode(e.getKey())).append('=').append(PercentEncoding.encode(value));
    }
    return httpMethod + "&" + PercentEncoding.encode("/") + "&" + PercentEncoding.encode(query.toString());
  }

  private static String hmacSha1Base64(String stringToSign, String secret) {
    try {
      Mac mac = Mac.getInstance("HmacSHA1");
      mac.init(new SecretKeySpec((secret + "&").getBytes(StandardCharsets.UTF_8), "HmacSHA1"));
      return Base64.getEncoder().encodeToString(mac.doFinal(stringToSign.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA1 is not available", e);
    }
  }
}
