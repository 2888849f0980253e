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

  /**
   * Whether {@link #current()} may block. A source that never blocks is asked on the event loop:
   * the hop to a worker thread and back would put a variable delay between the rate limiter's
   * permit and the call's departure, which bunches calls up at the API.
   */
  default boolean mayBlock() {
    return true;
  }

  /** A fixed key pair, from configuration. */
  static CredentialsSource staticKeys(String accessKeyId, String accessKeySecret) {
    AccessKey key = AccessKey.of(accessKeyId, accessKeySecret);
    return new CredentialsSource() {
      @Override
      public AccessKey current() {
        return key;
      }

      @Override
      public boolean mayBlock() {
        return false;
      }

      @Override
      public String toString() {
        return "CredentialsSource[static " + key + "]";
      }
    };
  }

  /**
   * A key pair from a properties file ({@code access-key-id}, {@code access-key-secret}), read again
   * within a second of the file changing: a key rotated in the file is used without a restart.
   *
   * @throws java.io.UncheckedIOException or IllegalArgumentException naming the file if it cannot be used now
   */
  static CredentialsSource keyFile(java.nio.file.Path file) {
    return new KeyFileCredentials(file, java.util.concurrent.TimeUnit.SECONDS.toNanos(1), System::nanoTime);
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
