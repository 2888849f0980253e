package dev.idvstreams.group;

import dev.idvstreams.api.Api;
import java.nio.charset.StandardCharsets;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;

/**
 * What one instance tells the group about each API on the share log ({@link ShareAgent}): the limit
 * it was configured with, the part it claims (what it uses, or more while a raise waits to be
 * confirmed, and never less than the calls it made within its window), its demand, and how long
 * ago its newest call left that is not among as many newest calls as it claims (its last call,
 * for a claim of 0; before 2026-12-07 always its last call, which a reader of either version may
 * read safely). Keyed by the instance's id; a tombstone says it left.
 *
 * <p>On the wire, one line of text, so an operator can read the topic with any console consumer:
 * {@code v1 seq=12 credential-verify-intl=20/7/130/40 verify-material=20/0/0/86400000 ...},
 * where each API reads {@code limit/claim/demand/idle-ms}. A reader takes what it cannot parse as a claim
 * of every limit ({@link #unreadable()}): it can hold the group back until that writer's entry
 * expires, but never let it exceed a limit.
 *
 * @param seq the writer's own count of its messages, from 1: tells it which of its claims a
 *     message it reads back carries
 */
public record ShareMessage(long seq, Map<Api, Integer> limits, Map<Api, Integer> claims, Map<Api, ApiLoad> loads) {

  private static final String VERSION = "v1";

  public ShareMessage {
    limits = Map.copyOf(limits);
    claims = Map.copyOf(claims);
    loads = Map.copyOf(loads);
    for (Api api : Api.values()) {
      if (!limits.containsKey(api) || !claims.containsKey(api) || !loads.containsKey(api)) {
        throw new IllegalArgumentException("a share message names every API; " + api.id() + " is missing");
      }
    }
  }

  /** What an unreadable value counts as: every limit claimed, nothing demanded, a call just made. */
  static ShareMessage unreadable() {
    Map<Api, Integer> all = new EnumMap<>(Api.class);
    Map<Api, ApiLoad> busy = new EnumMap<>(Api.class);
    for (Api api : Api.values()) {
      all.put(api, Integer.MAX_VALUE);
      busy.put(api, new ApiLoad(0, 0));
    }
    return new ShareMessage(0, all, all, busy);
  }

  public long demand(Api api) {
    return loads.get(api).demand();
  }

  public byte[] encode() {
    StringBuilder line = new StringBuilder(VERSION).append(" seq=").append(seq);
    for (Api api : Api.values()) {
      line.append(' ').append(api.id()).append('=').append(limits.get(api)).append('/').append(claims.get(api))
          .append('/').append(loads.get(api).demand()).append('/').append(loads.get(api).idleMillis());
    }
    return line.toString().getBytes(StandardCharsets.UTF_8);
  }

  /** The message, or empty when the bytes are not one this version writes. */
  public static Optional<ShareMessage> decode(byte[] bytes) {
    if (bytes == null || bytes.length > 1024) {
      return Optional.empty();
    }
    String[] words = new String(bytes, StandardCharsets.UTF_8).split(" ");
    if (words.length != 2 + Api.values().length || !words[0].equals(VERSION) || !words[1].startsWith("seq=")) {
      return Optional.empty();
    }
    Map<Api, Integer> limits = new EnumMap<>(Api.class);
    Map<Api, Integer> claims = new EnumMap<>(Api.class);
    Map<Api, ApiLoad> loads = new EnumMap<>(Api.class);
    try {
      long seq = Long.parseLong(words[1].substring(4));
      for (int i = 2; i < words.length; i++) {
        int eq = words[i].indexOf('=');
        Optional<Api> api = eq < 0 ? Optional.empty() : Api.byId(words[i].substring(0, eq));
        String[] values = words[i].substring(eq + 1).split("/");
        if (api.isEmpty() || values.length != 4) {
          return Optional.empty();
        }
        int limit = Integer.parseInt(values[0]);
        int claim = Integer.parseInt(values[1]);
        long demand = Long.parseLong(values[2]);
        long idle = Long.parseLong(values[3]);
        if (limit < 0 || claim < 0 || demand < 0 || idle < 0) {
          return Optional.empty();
        }
        limits.put(api.get(), limit);
        claims.put(api.get(), claim);
        loads.put(api.get(), new ApiLoad(demand, idle));
      }
      return limits.size() == Api.values().length ? Optional.of(new ShareMessage(seq, limits, claims, loads))
          : Optional.empty();
    } catch (NumberFormatException e) {
      return Optional.empty();
    }
  }
}
