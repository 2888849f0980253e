package dev.idvstreams.simulator;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;

/** How one simulated API answers an accepted call: validation, then an outcome derived from the inputs. */
interface ApiBehaviour {

  /** The answer to a call with these operation parameters. */
  ApiAnswer answer(Map<String, String> params, String requestId);

  /** The key under which calls count as repeats of each other. */
  String repeatKey(Map<String, String> params);

  /** A SHA-256 over the sorted parameters: the repeat key when the API has no BizId. */
  static String contentHash(Map<String, String> params) {
    try {
      MessageDigest digest = MessageDigest.getInstance("SHA-256");
      new TreeMap<>(params).forEach((k, v) -> {
        digest.update(k.getBytes(StandardCharsets.UTF_8));
        digest.update((byte) 0);
        digest.update(v.getBytes(StandardCharsets.UTF_8));
        digest.update((byte) 0);
      });
      return HexFormat.of().formatHex(digest.digest());
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
