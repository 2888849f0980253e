package dev.idvstreams.aliyun;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.InetAddress;
import java.util.List;

/** Resolves a host name to its addresses; injectable so that tests never ask a real DNS. */
@FunctionalInterface
public interface HostResolver {

  Future<List<InetAddress>> resolve(String host);

  /** The JDK resolver, called on a worker thread because it blocks. */
  static HostResolver system(Vertx vertx) {
    return host -> vertx.executeBlocking(() -> List.of(InetAddress.getAllByName(host)), false);
  }
}
