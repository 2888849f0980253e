package dev.idvstreams.bench;

import dev.idvstreams.api.Api;
import dev.idvstreams.demo.SimulatorProcess;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.apache.kafka.common.utils.Utils;

/**
 * A run second by second, for reading where a scenario's figures went: each API's calls in each
 * second from the first call, which partitions had a VerifyMaterial call in it, and what the scenario did to the
 * group in it.
 */
final class Timeline {

  private Timeline() {}

  /** @param offsets committed offsets of the group on its request topic and its re-keyed topic, by time ({@link OffsetWatch}) */
  static void write(Path file, SimulatorProcess provider, Map<Long, String> events, int partitions,
      java.util.NavigableMap<Long, long[]> offsets) throws IOException {
    Map<Api, Map<String, List<Long>>> calls = new TreeMap<>();
    long first = Long.MAX_VALUE;
    long last = Long.MIN_VALUE;
    for (Api api : Api.values()) {
      calls.put(api, provider.callTimes(api));
      for (List<Long> times : calls.get(api).values()) {
        for (long t : times) {
          first = Math.min(first, t);
          last = Math.max(last, t);
        }
      }
    }
    long origin = Math.min(first, events.keySet().stream().mapToLong(Long::longValue).min().orElse(first));
    int seconds = (int) ((Math.max(last, events.keySet().stream().mapToLong(Long::longValue).max().orElse(last)) - origin)
        / 1000) + 1;
    int[][] perApi = new int[Api.values().length][seconds];
    boolean[][] partitionCalled = new boolean[seconds][partitions];
    for (Api api : Api.values()) {
      calls.get(api).forEach((key, times) -> {
        for (long t : times) {
          int second = (int) ((t - origin) / 1000);
          perApi[api.ordinal()][second]++;
          if (api == Api.VERIFY_MATERIAL) {
            // only VerifyMaterial's calls carry the bizId; the simulator keys the others by a digest
            int partition = Utils.toPositive(Utils.murmur2(key.getBytes(StandardCharsets.UTF_8))) % partitions;
            partitionCalled[second][partition] = true;
          }
        }
      });
    }
    StringBuilder out = new StringBuilder("# seconds from the first start (" + java.time.Instant.ofEpochMilli(origin)
        + "); calls per API; partitions with a VerifyMaterial call; events\n");
    out.append("s");
    for (Api api : Api.values()) {
      out.append('\t').append(api.action());
    }
    out.append("\tpartitions\trequests committed\tre-keyed committed\tevents\n");
    for (int s = 0; s < seconds; s++) {
      out.append(s);
      for (Api api : Api.values()) {
        out.append('\t').append(perApi[api.ordinal()][s]);
      }
      out.append('\t');
      for (int p = 0; p < partitions; p++) {
        out.append(partitionCalled[s][p] ? Integer.toString(p) : ".");
      }
      long from = origin + s * 1000L;
      Map.Entry<Long, long[]> committed = offsets.floorEntry(from + 999);
      out.append('\t').append(committed == null ? "-" : committed.getValue()[0]);
      out.append('\t').append(committed == null ? "-" : committed.getValue()[1]);
      out.append('\t');
      events.forEach((at, what) -> {
        if (at >= from && at < from + 1000) {
          out.append(what).append(" (+").append(at - from).append(" ms) ");
        }
      });
      out.append('\n');
    }
    Files.createDirectories(file.getParent());
    Files.writeString(file, out);
    // every call, for a closer look: {"api": {"bizId": [ms since the epoch, ...]}}
    io.vertx.core.json.JsonObject raw = new io.vertx.core.json.JsonObject().put("originMillis", origin);
    calls.forEach((api, times) -> raw.put(api.action(), new io.vertx.core.json.JsonObject(new java.util.HashMap<>(times))));
    Files.writeString(Path.of(file.toString().replace(".txt", "-calls.json")), raw.encode());
  }
}
