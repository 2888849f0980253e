package dev.idvstreams.cli;

import dev.idvstreams.aliyun.HostResolver;
import io.vertx.core.Future;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

/**
 * A {@link HostResolver} that never asks a DNS server: names the test gives it, and address
 * literals parsed as a C library's resolver would (inet_aton: one to four parts, each decimal,
 * octal with a leading 0 or hex with 0x, the last part filling the remaining bytes; IPv6 literals,
 * bracketed or not). Anything else is an unknown host. It records every name it was asked for.
 */
final class CorpusResolver implements HostResolver {

  private final Map<String, Supplier<List<InetAddress>>> names = new ConcurrentHashMap<>();
  private final List<String> asked = new CopyOnWriteArrayList<>();

  CorpusResolver name(String host, String... addresses) {
    List<InetAddress> answer = java.util.Arrays.stream(addresses).map(a -> literal(host, a)).toList();
    names.put(host.toLowerCase(Locale.ROOT), () -> answer);
    return this;
  }

  /** A name whose answer changes between questions: {@code first} once, {@code then} after. */
  CorpusResolver flipping(String host, String first, String then) {
    java.util.concurrent.atomic.AtomicInteger calls = new java.util.concurrent.atomic.AtomicInteger();
    names.put(host.toLowerCase(Locale.ROOT), () -> List.of(literal(host, calls.getAndIncrement() == 0 ? first : then)));
    return this;
  }

  List<String> asked() {
    return List.copyOf(asked);
  }

  @Override
  public Future<List<InetAddress>> resolve(String host) {
    asked.add(host);
    String h = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
    Supplier<List<InetAddress>> named = names.get(h.toLowerCase(Locale.ROOT));
    if (named != null) {
      return Future.succeededFuture(named.get());
    }
    InetAddress parsed = parse(h);
    return parsed == null ? Future.failedFuture(new UnknownHostException("not a test name")) : Future.succeededFuture(List.of(parsed));
  }

  private static InetAddress literal(String host, String address) {
    InetAddress parsed = parse(address);
    if (parsed == null) {
      throw new IllegalArgumentException("not an address literal: " + address);
    }
    try {
      return InetAddress.getByAddress(host, parsed.getAddress());
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  /** An IPv4 literal in any inet_aton spelling, or an IPv6 literal; null for anything else (never a lookup). */
  static InetAddress parse(String h) {
    try {
      if (h.contains(":")) {
        // only hex digits, colons, dots: the JDK parses it as a literal and never looks it up
        return h.matches("[0-9A-Fa-f:.]+") ? InetAddress.getByName(h) : null;
      }
      String[] parts = h.split("\\.", -1);
      if (parts.length < 1 || parts.length > 4) {
        return null;
      }
      long[] values = new long[parts.length];
      for (int i = 0; i < parts.length; i++) {
        String p = parts[i].toLowerCase(Locale.ROOT);
        if (p.isEmpty()) {
          return null;
        }
        if (p.startsWith("0x")) {
          if (p.length() == 2 || !p.substring(2).matches("[0-9a-f]+") || p.length() > 10) {
            return null;
          }
          values[i] = Long.parseLong(p.substring(2), 16);
        } else if (p.length() > 1 && p.startsWith("0")) {
          if (!p.matches("[0-7]+") || p.length() > 12) {
            return null;
          }
          values[i] = Long.parseLong(p, 8);
        } else {
          if (!p.matches("[0-9]+") || p.length() > 10) {
            return null;
          }
          values[i] = Long.parseLong(p);
        }
      }
      long address = 0;
      for (int i = 0; i < parts.length - 1; i++) {
        if (values[i] > 255) {
          return null;
        }
        address |= values[i] << (8 * (3 - i));
      }
      long last = values[parts.length - 1];
      if (last >= 1L << (8 * (5 - parts.length))) {
        return null;
      }
      address |= last;
      return InetAddress.getByAddress(new byte[] {(byte) (address >> 24), (byte) (address >> 16), (byte) (address >> 8), (byte) address});
    } catch (UnknownHostException | NumberFormatException e) {
      return null;
    }
  }
}
