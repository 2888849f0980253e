package dev.idvstreams.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Picks a free TCP port on 127.0.0.1, for servers that must be told their port before they bind.
 *
 * <p>From below Linux's ephemeral range (32768-60999): a port that the OS hands out for port 0 is
 * also one it hands to outgoing connections, and with a broker, Kafka clients and HTTP clients
 * connecting all the time, one of them took a picked port before its server (another JVM, seconds
 * later) bound it: "Address already in use". Below the range only explicit binds compete. A port is
 * never picked twice by one JVM.
 */
public final class FreePort {

  private static final int LOWEST = 20_000;
  private static final int HIGHEST = 32_000;
  private static final int ATTEMPTS = 200;
  private static final Set<Integer> PICKED = ConcurrentHashMap.newKeySet();

  private FreePort() {}

  public static int pick() {
    for (int attempt = 0; attempt < ATTEMPTS; attempt++) {
      int port = ThreadLocalRandom.current().nextInt(LOWEST, HIGHEST);
      if (PICKED.contains(port)) {
        continue;
      }
      try (ServerSocket socket = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
        socket.setReuseAddress(true);
        if (PICKED.add(port)) {
          return port;
        }
      } catch (IOException e) {
        // taken: another
      }
    }
    throw new UncheckedIOException(new IOException("no free port on 127.0.0.1 between " + LOWEST + " and " + HIGHEST
        + " after " + ATTEMPTS + " attempts"));
  }
}
