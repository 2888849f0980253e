package dev.idvstreams.aliyun;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.Properties;
import java.util.function.LongSupplier;

/**
 * An access key read from a file, and read again when the file changes: the key rotates without a
 * restart. Made for a Kubernetes Secret mounted as a volume, which the kubelet replaces in place
 * when the Secret changes. The file is a properties file with {@code access-key-id} and
 * {@code access-key-secret}.
 *
 * <p>Asked on the event loop (it never blocks long): the file's modification time is looked at no
 * more than once per {@code checkIntervalNanos}, and the file read only when that time moved. A
 * file that cannot be read, or lacks a key, keeps the last good key and says why once per change.
 */
final class KeyFileCredentials implements CredentialsSource {

  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(KeyFileCredentials.class);

  private final Path file;
  private final long checkIntervalNanos;
  private final LongSupplier nanoTime;
  private volatile AccessKey key;
  private volatile FileTime readAt;
  private volatile long checkedAt;

  /** @throws UncheckedIOException or IllegalArgumentException naming the file when its first reading fails */
  KeyFileCredentials(Path file, long checkIntervalNanos, LongSupplier nanoTime) {
    this.file = file;
    this.checkIntervalNanos = checkIntervalNanos;
    this.nanoTime = nanoTime;
    this.readAt = modified();
    this.key = read();
    this.checkedAt = nanoTime.getAsLong();
  }

  @Override
  public AccessKey current() {
    long now = nanoTime.getAsLong();
    if (now - checkedAt >= checkIntervalNanos) {
      checkedAt = now;
      reloadIfChanged();
    }
    return key;
  }

  @Override
  public boolean mayBlock() {
    return false;
  }

  private synchronized void reloadIfChanged() {
    FileTime modified;
    try {
      modified = modified();
    } catch (UncheckedIOException e) {
      return; // replaced this instant (a symlink swap): the next look finds the new one
    }
    if (modified.equals(readAt)) {
      return;
    }
    readAt = modified;
    try {
      AccessKey next = read();
      if (!next.id().equals(key.id()) || !next.secret().equals(key.secret())) {
        LOG.info("Access key file {} changed: calls now sign with access key {}", file, next);
      }
      key = next;
    } catch (RuntimeException e) {
      LOG.warn("Access key file {} changed but cannot be used ({}): calls keep signing with access key {}", file,
          e.getMessage(), key);
    }
  }

  private FileTime modified() {
    try {
      return Files.getLastModifiedTime(file);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the access key file " + file + ": " + e, e);
    }
  }

  private AccessKey read() {
    Properties properties = new Properties();
    try (InputStream in = Files.newInputStream(file)) {
      properties.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the access key file " + file + ": " + e, e);
    }
    String id = properties.getProperty("access-key-id", "").strip();
    String secret = properties.getProperty("access-key-secret", "").strip();
    if (id.isEmpty() || secret.isEmpty()) {
      throw new IllegalArgumentException("the access key file " + file + " needs access-key-id and access-key-secret");
    }
    return AccessKey.of(id, secret);
  }

  @Override
  public String toString() {
    return "CredentialsSource[file " + file + ", " + key + "]";
  }
}
