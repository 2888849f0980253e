package dev.idvstreams.aliyun;

import io.vertx.core.Future;
import java.net.InetAddress;
import java.net.URI;

/**
 * Sends one GET for {@code uri} to an address the {@link ImageFetcher} has already vetted, so a
 * DNS answer that changes between check and connect cannot redirect the request. Injectable: a
 * test of the guards injects one that fails the test when called.
 */
@FunctionalInterface
public interface ImageConnector {

  /** The answer: status, {@code Location} (null when absent) and at most {@code maxBytes} of body. */
  record Response(int status, String location, byte[] body) {}

  /**
   * Fails with {@link ImageFetchException} {@code ImageUrl.TooLarge} past {@code maxBytes}.
   *
   * @param abort completes when the caller gives the download up: the request is reset on the wire
   *     and the answer fails
   */
  Future<Response> get(URI uri, InetAddress address, long maxBytes, long timeoutMillis, Future<Void> abort);
}
