package dev.idvstreams.aliyun;

import com.aliyun.credentials.models.CredentialModel;

/**
 * Where the client gets its access key for each call. {@link #current()} may block (the default
 * chain refreshes RAM-role and OIDC credentials over the network), so the client calls it on a
 * worker thread, never on an event loop.
 */
@FunctionalInterface
public interface CredentialsSource {

  AccessKey current() throws Exception;

  /** A fixed key pair, from configuration. */
  static CredentialsSource staticKeys(String accessKeyId, String accessKeySecret) {
    AccessKey key = AccessKey.of(accessKeyId, accessKeySecret);
    return () -> key;
  }

  /**
   * The default chain of {@code credentials-java}: environment variables, profile files, RAM role,
   * OIDC/RRSA. The chain's client is built on first use, on the calling (worker) thread.
   */
  static CredentialsSource defaultChain() {
    return new CredentialsSource() {
      private volatile com.aliyun.credentials.Client client;

      @Override
      public AccessKey current() {
        if (client == null) {
          synchronized (this) {
            if (client == null) {
              client = new com.aliyun.credentials.Client();
            }
          }
        }
        CredentialModel model = client.getCredential();
        return new AccessKey(model.getAccessKeyId(), model.getAccessKeySecret(), model.getSecurityToken());
      }

      @Override
      public String toString() {
        return "CredentialsSource[default chain]";
      }
    };
  }
}
