package dev.idvstreams.aliyun;

/** The two request signatures the APIs accept. */
public enum SignatureVersion {
  /** RPC signature 1.0, {@code HMAC-SHA1}: {@link RpcSignatureV1}. */
  V1,
  /** {@code ACS3-HMAC-SHA256}: {@link SignatureV3}. */
  V3
}
