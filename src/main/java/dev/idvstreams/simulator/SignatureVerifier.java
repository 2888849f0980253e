package dev.idvstreams.simulator;

import dev.idvstreams.aliyun.RpcSignatureV1;
import dev.idvstreams.aliyun.SignatureV3;
import dev.idvstreams.api.SignatureVersion;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * Checks a call's signature, V3 ({@code Authorization: ACS3-HMAC-SHA256 ...}) or 1.0
 * ({@code Signature} parameter), against the configured key pairs, with the same functions the
 * client signs with, then its timestamp and nonce ({@link ReplayGuard}). Answers the gateway's
 * error code when a check fails.
 */
final class SignatureVerifier {

  private final Map<String, String> secrets;
  private final Clock clock;
  private final ReplayGuard replays = new ReplayGuard();

  SignatureVerifier(Map<String, String> secrets, Clock clock) {
    this.secrets = secrets;
    this.clock = clock;
  }

  /**
   * The error code of a bad signature, or empty when the call is signed correctly, with a fresh
   * timestamp and a nonce not used before.
   */
  Optional<String> check(IncomingCall call) {
    SignatureVersion version = call.signatureVersion();
    if (version == null) {
      return Optional.of("IncompleteSignature");
    }
    boolean v3 = version == SignatureVersion.V3;
    Optional<String> error = v3 ? checkV3(call, call.headers().get("Authorization")) : checkV1(call);
    if (error.isPresent()) {
      return error;
    }
    return v3
        ? replays.check(call.headers().get("x-acs-date"), call.headers().get("x-acs-signature-nonce"), clock.instant())
        : replays.check(call.parameters().get("Timestamp"), call.parameters().get("SignatureNonce"), clock.instant());
  }

  private Optional<String> checkV1(IncomingCall call) {
    Map<String, String> params = new LinkedHashMap<>(call.parameters());
    String given = params.remove("Signature");
    String secret = secrets.get(params.get("AccessKeyId"));
    if (secret == null) {
      return Optional.of("InvalidAccessKeyId.NotFound");
    }
    // the tea SDKs leave empty values out of the string to sign, aliyun-java-sdk-core keeps them
    boolean matches = same(given, RpcSignatureV1.sign(call.method(), params, secret))
        || same(given, RpcSignatureV1.signKeepingEmptyValues(call.method(), params, secret));
    return matches ? Optional.empty() : Optional.of("SignatureDoesNotMatch");
  }

  private Optional<String> checkV3(IncomingCall call, String authorization) {
    if (!authorization.startsWith(SignatureV3.ALGORITHM + " ")) {
      return Optional.of("IncompleteSignature");
    }
    Map<String, String> parts = new LinkedHashMap<>();
    for (String part : authorization.substring(SignatureV3.ALGORITHM.length() + 1).split(",")) {
      int eq = part.indexOf('=');
      if (eq > 0) {
        parts.put(part.substring(0, eq).trim(), part.substring(eq + 1).trim());
      }
    }
    String keyId = parts.get("Credential");
    String signedNames = parts.get("SignedHeaders");
    String given = parts.get("Signature");
    String payloadHash = call.headers().get("x-acs-content-sha256");
    if (keyId == null || signedNames == null || given == null || payloadHash == null) {
      return Optional.of("IncompleteSignature");
    }
    String secret = secrets.get(keyId);
    if (secret == null) {
      return Optional.of("InvalidAccessKeyId.NotFound");
    }
    Map<String, String> signedHeaders = new LinkedHashMap<>();
    for (String name : signedNames.split(";")) {
      String value = call.headers().get(name);
      if (value == null) {
        return Optional.of("SignatureDoesNotMatch");
      }
      signedHeaders.put(name.toLowerCase(Locale.ROOT), value);
    }
    boolean bodyMatches = payloadHash.equals(SignatureV3.sha256Hex(call.body()));
    String expected = SignatureV3.signature(call.method(), call.path(), call.query(), signedHeaders, payloadHash, secret);
    return bodyMatches && same(given, expected) ? Optional.empty() : Optional.of("SignatureDoesNotMatch");
  }

  private static boolean same(String given, String expected) {
    return given != null && MessageDigest.isEqual(given.getBytes(StandardCharsets.UTF_8),
        expected.getBytes(StandardCharsets.UTF_8));
  }
}
