package dev.idvstreams.aliyun;

import dev.idvstreams.api.Api;
import dev.idvstreams.api.SignatureVersion;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;
import java.util.stream.Collectors;

/**
 * Turns an operation's parameters into a {@link SignedRequest} with either signature: the common
 * parameters of RPC signature 1.0 (docs/provider-apis.md#signature-v1) or the
 * {@code x-acs-*} headers and {@code Authorization} of V3.
 */
final class RequestSigner {

  static final String FORM = "application/x-www-form-urlencoded";
  private static final DateTimeFormatter TIMESTAMP = DateTimeFormatter.ISO_INSTANT;

  private final Clock clock;
  private final Supplier<String> nonces;

  RequestSigner(Clock clock, Supplier<String> nonces) {
    this.clock = clock;
    this.nonces = nonces;
  }

  RequestSigner() {
    this(Clock.systemUTC(), () -> UUID.randomUUID().toString());
  }

  /** {@code host} is the {@code Host} header the request will carry ({@code host[:port]}). */
  SignedRequest sign(Api api, SignatureVersion version, String host, Map<String, String> params, AccessKey key) {
    String body = form(params);
    String timestamp = TIMESTAMP.format(Instant.now(clock).truncatedTo(ChronoUnit.SECONDS));
    return version == SignatureVersion.V1
        ? signV1(api, params, key, body, timestamp)
        : signV3(api, host, key, body, timestamp);
  }

  private SignedRequest signV1(Api api, Map<String, String> params, AccessKey key, String body, String timestamp) {
    Map<String, String> query = new LinkedHashMap<>();
    query.put("Action", api.action());
    query.put("Version", api.version());
    query.put("Format", "JSON");
    query.put("AccessKeyId", key.id());
    query.put("SignatureMethod", RpcSignatureV1.METHOD);
    query.put("SignatureVersion", RpcSignatureV1.VERSION);
    query.put("SignatureNonce", nonces.get());
    query.put("Timestamp", timestamp);
    if (key.securityToken() != null) {
      query.put("SecurityToken", key.securityToken());
    }
    // signature 1.0 covers the query and the form body together
    Map<String, String> signed = new LinkedHashMap<>(params);
    signed.putAll(query);
    query.put("Signature", RpcSignatureV1.sign("POST", signed, key.secret()));
    return new SignedRequest(query, Map.of("content-type", FORM, "accept", "application/json"), body);
  }

  private SignedRequest signV3(Api api, String host, AccessKey key, String body, String timestamp) {
    Map<String, String> headers = new LinkedHashMap<>();
    headers.put("host", host);
    headers.put("x-acs-action", api.action());
    headers.put("x-acs-version", api.version());
    headers.put("x-acs-date", timestamp);
    headers.put("x-acs-signature-nonce", nonces.get());
    headers.put("x-acs-content-sha256", SignatureV3.sha256Hex(body.getBytes(StandardCharsets.UTF_8)));
    headers.put("content-type", FORM);
    headers.put("accept", "application/json");
    if (key.securityToken() != null) {
      headers.put("x-acs-security-token", key.securityToken());
    }
    headers.put("Authorization", SignatureV3.authorization("POST", "/", Map.of(), headers,
        headers.get("x-acs-content-sha256"), key.id(), key.secret()));
    return new SignedRequest(Map.of(), headers, body);
  }

  private static String form(Map<String, String> params) {
    return params.entrySet().stream()
        .map(e -> PercentEncoding.encode(e.getKey()) + "=" + PercentEncoding.encode(e.getValue()))
        .collect(Collectors.joining("&"));
  }
}
