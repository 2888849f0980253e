package dev.idvstreams.aliyun;

import java.time.Duration;
import java.util.Objects;

/**
 * The guards of an image download (docs/provider-apis.md#face-verification-request): the largest
 * image, the whole download's time (redirects included), how many redirects, and whether private,
 * loopback and link-local addresses may be reached (only for tests and local demos).
 */
public record ImageFetchOptions(long maxBytes, Duration timeout, int maxRedirects, boolean allowPrivateAddresses) {

  public ImageFetchOptions {
    Objects.requireNonNull(timeout, "timeout");
    if (maxBytes < 1 || maxRedirects < 0) {
      throw new IllegalArgumentException("maxBytes must be positive and maxRedirects not negative");
    }
  }

  /** 3 MB (the smallest inline limit of the reference documents), 10 s, 3 redirects, public addresses only. */
  public static ImageFetchOptions defaults() {
    return new ImageFetchOptions(3L * 1024 * 1024, Duration.ofSeconds(10), 3, false);
  }

  public ImageFetchOptions withAllowPrivateAddresses(boolean allow) {
    return new ImageFetchOptions(maxBytes, timeout, maxRedirects, allow);
  }
}
