package dev.idvstreams.aliyun;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Alibaba Cloud signature V3 ({@code ACS3-HMAC-SHA256}). The canonical request is
 * <pre>METHOD \n path \n canonical query \n canonical headers \n signed headers \n hex(sha256(body))</pre>
 * where the signed headers are {@code host}, {@code content-type} and every {@code x-acs-*} header,
 * lower-cased and sorted. Pure functions, checked against {@code openapiutil.getAuthorization}.
 */
public final class SignatureV3 {

  public static final String ALGORITHM = "ACS3-HMAC-SHA256";

  private SignatureV3() {}

  /** The {@code Authorization} header value for a request with these parts. */
  public static String authorization(String method, String path, Map<String, String> query,
      Map<String, String> headers, String hashedPayload, String accessKeyId, String secret) {
    Map<String, String> signed = signedHeaders(headers);
    String signedNames = String.join(";", signed.keySet());
    return ALGORITHM + " Credential=" + accessKeyId + ",SignedHeaders=" + signedNames
        + ",Signature=" + signature(method, path, query, signed, hashedPayload, secret);
  }

  /**
   * The hex signature over the given signed headers (lower-case names, as they will be listed in
   * {@code SignedHeaders}); the simulator calls this with the headers the caller said it signed.
   */
  public static String signature(String method, String path, Map<String, String> query,
      Map<String, String> signedHeaders, String hashedPayload, String secret) {
    String canonicalRequest = method + "\n"
        + (path == null || path.isBlank() ? "/" : path) + "\n"
        + canonicalQuery(query) + "\n"
        + canonicalHeaders(signedHeaders) + "\n"
        + String.join(";", new TreeMap<>(signedHeaders).keySet()) + "\n"
        + hashedPayload;
    String stringToSign = ALGORITHM + "\n" + sha256Hex(canonicalRequest.getBytes(StandardCharsets.UTF_8));
    return HexFormat.of().formatHex(hmacSha256(stringToSign, secret));
  }

  /** The headers V3 signs: {@code host}, {@code content-type}, {@code x-acs-*}; sorted, lower-case, trimmed. */
  public static Map<String, String> signedHeaders(Map<String, String> headers) {
    Map<String, String> signed = new TreeMap<>();
    headers.forEach((name, value) -> {
      String lower = name.toLowerCase(Locale.ROOT);
      if (lower.startsWith("x-acs-") || lower.equals("host") || lower.equals("content-type")) {
        signed.put(lower, value.trim());
      }
    });
    return signed;
  }

  public static String sha256Hex(byte[] bytes) {
    try {
      return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }

  private static String canonicalQuery(Map<String, String> query) {
    return new TreeMap<>(query).entrySet().stream()
        .map(e -> PercentEncoding.encode(e.getKey()) + "="
            + (e.getValue() == null || e.getValue().isEmpty() ? "" : PercentEncoding.encode(e.getValue())))
        .collect(Collectors.joining("&"));
  }

  private static String canonicalHeaders(Map<String, String> signedHeaders) {
    StringBuilder sb = new StringBuilder();
    new TreeMap<>(signedHeaders).forEach((name, value) -> sb.append(name).append(':').append(value.trim()).append('\n'));
    return sb.toString();
  }

  private static byte[] hmacSha256(String data, String secret) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
      return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }
}
