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

  private final java.util.Set<InetAddress> standIns;

  /** Refuses every address that is not loopback. */
  public LoopbackOnlyConnector(Vertx vertx) {
    this(vertx, java.util.Set.of());
  }

  /**
   * @param standIns public-looking addresses (documentation ranges) a test resolver hands out for
   *     its own servers: the guard sees them as public, and this connector alone sends them to
   *     127.0.0.1 instead, so the loopback servers are reachable with the guards on
   */
  public LoopbackOnlyConnector(Vertx vertx, java.util.Set<InetAddress> standIns) {
    this.loopback = new VertxImageConnector(vertx);
    this.standIns = java.util.Set.copyOf(standIns);
  }

  @Override
  public Future<Response> get(URI uri, InetAddress address, long maxBytes, long timeoutMillis, Future<Void> abort) {
    Attempt attempt = new Attempt(uri, address);
    attempts.add(attempt);
    if (standIns.contains(address)) {
      return loopback.get(uri, InetAddress.getLoopbackAddress(), maxBytes, timeoutMillis, abort);
    }
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
