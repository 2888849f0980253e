package dev.idvstreams.topology;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/** bizIds as keys of what the processor writes. */
final class BizIds {

  /** The longest bizId the APIs take (docs/provider-apis.md, VerifyMaterial request: BizId). */
  static final int MAX_LENGTH = 64;
  private static final int HASH_HEX_CHARS = 16;

  private BizIds() {}

  /**
   * {@code bizId} when it is at most {@link #MAX_LENGTH} characters, else its first 64 characters,
   * {@code #} and 16 hex characters of the SHA-256 of the whole: a refused bizId of any length
   * still names its dead letter, as a key that fits any record and tells two long ones apart.
   */
  static String bounded(String bizId) {
    if (bizId == null || bizId.length() <= MAX_LENGTH) {
      return bizId;
    }
    try {
      byte[] hash = MessageDigest.getInstance("SHA-256").digest(bizId.getBytes(StandardCharsets.UTF_8));
      return bizId.substring(0, MAX_LENGTH) + "#" + HexFormat.of().formatHex(hash).substring(0, HASH_HEX_CHARS);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("every JVM has SHA-256", e);
    }
  }
}
