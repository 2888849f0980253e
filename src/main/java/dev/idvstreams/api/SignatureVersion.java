package dev.idvstreams.api;

/** The two request signatures the APIs accept (docs/provider-apis.md#signatures). */
public enum SignatureVersion {
  /** RPC signature 1.0, {@code HMAC-SHA1}. */
  V1,
  /** {@code ACS3-HMAC-SHA256}. */
  V3
}
