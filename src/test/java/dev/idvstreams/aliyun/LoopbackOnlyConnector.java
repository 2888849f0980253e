package dev.idvstreams.aliyun;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.InetAddress;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An {@link ImageConnector} for tests whose URLs name addresses off this machine: it records every
 * connection attempt, refuses (and records as a breach) any to an address that is not loopback,
 * and sends the others through the product's own Vert.x connector. So a broken guard fails the
 * test instead of sending a packet anywhere but 127.0.0.1.
 */
public final class LoopbackOnlyConnector implements ImageConnector {

  /** One connection attempt: the URL and the address the fetcher chose. */
  public record Attempt(URI uri, InetAddress address) {}

  private final VertxImageConnector loopback;
  private final List<Attempt> attempts = new CopyOnWriteArrayList<>();
  private final List<Attempt> refused = new CopyOnWriteArrayList<>();

  public LoopbackOnlyConnector(Vertx vertx) {
    this.loopback = new VertxImageConnector(vertx);
  }

  @Override
  public Future<Response> get(URI uri, InetAddress address, long maxBytes, long timeoutMillis, Future<Void> abort) {
    Attempt attempt = new Attempt(uri, address);
    attempts.add(attempt);
    if (!address.isLoopbackAddress()) {
      refused.add(attempt);
      return Future.failedFuture(new IllegalStateException("test connector: refused a connection off this machine"));
    }
    return loopback.get(uri, address, maxBytes, timeoutMillis, abort);
  }

  /** Every connection attempt, in order. */
  public List<Attempt> attempts() {
    return List.copyOf(attempts);
  }

  /** The attempts to an address other than loopback: a guard that let them through is broken. */
  public List<Attempt> refused() {
    return List.copyOf(refused);
  }
}
