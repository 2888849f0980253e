package dev.idvstreams.simulator;

import dev.idvstreams.api.SignatureVersion;
import io.vertx.core.MultiMap;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * One RPC call as received: method, path, query and form parameters (decoded), headers, raw body.
 * RPC parameters may come by query or by form; {@link #parameters()} merges them.
 */
record IncomingCall(String method, String path, Map<String, String> query, Map<String, String> form,
    MultiMap headers, byte[] body) {

  /** The common parameters of signature 1.0, which are not the operation's own. */
  private static final Set<String> COMMON = Set.of("Action", "Version", "Format", "AccessKeyId", "Signature",
      "SignatureMethod", "SignatureVersion", "SignatureNonce", "SignatureType", "Timestamp", "SecurityToken",
      "RegionId");

  static IncomingCall of(String method, String path, String rawQuery, MultiMap headers, byte[] body) {
    String contentType = headers.get("content-type");
    boolean isForm = contentType != null && contentType.toLowerCase().startsWith("application/x-www-form-urlencoded");
    return new IncomingCall(method, path, decode(rawQuery),
        isForm ? decode(new String(body, StandardCharsets.UTF_8)) : Map.of(), headers, body);
  }

  /** Query and form parameters together; the form wins on a clash. */
  Map<String, String> parameters() {
    Map<String, String> all = new LinkedHashMap<>(query);
    all.putAll(form);
    return all;
  }

  /** The operation's own parameters: {@link #parameters()} less the common ones. */
  Map<String, String> businessParameters() {
    Map<String, String> business = new LinkedHashMap<>(parameters());
    business.keySet().removeAll(COMMON);
    return business;
  }

  /** The signature the call carries: V3 with an {@code Authorization} header, else 1.0 with a {@code Signature}; null with neither. */
  SignatureVersion signatureVersion() {
    if (headers.get("Authorization") != null) {
      return SignatureVersion.V3;
    }
    return parameters().containsKey("Signature") ? SignatureVersion.V1 : null;
  }

  /** The operation, from the {@code Action} parameter or V3's {@code x-acs-action} header. */
  String action() {
    String action = parameters().get("Action");
    return action != null ? action : headers.get("x-acs-action");
  }

  private static Map<String, String> decode(String encoded) {
    Map<String, String> params = new LinkedHashMap<>();
    if (encoded == null || encoded.isEmpty()) {
      return params;
    }
    for (String pair : encoded.split("&")) {
      if (pair.isEmpty()) {
        continue;
      }
      int eq = pair.indexOf('=');
      String key = eq < 0 ? pair : pair.substring(0, eq);
      String value = eq < 0 ? "" : pair.substring(eq + 1);
      params.put(URLDecoder.decode(key, StandardCharsets.UTF_8), URLDecoder.decode(value, StandardCharsets.UTF_8));
    }
    return params;
  }
}
