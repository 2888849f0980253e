package dev.idvstreams.aliyun;

import java.util.Objects;

/**
 * An access key pair, with the security token of temporary (STS) credentials when there is one.
 * {@link #toString()} never shows the secret or the token.
 */
public record AccessKey(String id, String secret, String securityToken) {

  public AccessKey {
    Objects.requireNonNull(id, "access key id");
    Objects.requireNonNull(secret, "access key secret");
  }

  public static AccessKey of(String id, String secret) {
    return new AccessKey(id, secret, null);
  }

  @Override
  public String toString() {
    return "AccessKey[id=" + id + ", secret=<hidden>" + (securityToken == null ? "" : ", token=<hidden>") + "]";
  }
}
