package dev.idvstreams.demo;

import dev.idvstreams.api.Api;
import dev.idvstreams.simulator.ApiStats;
import io.vertx.core.json.JsonObject;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The API simulator in a JVM of its own, as the provider is on machines of its own.
 *
 * <p>Why not in the demo's JVM: the simulator enforces each limit on when calls arrive. In the
 * JVM that also runs the broker and the processor, a garbage-collection pause (20-25 ms with G1
 * on 2 cores) holds the calls already sent until it ends, so they arrive bunched and the simulator
 * throttles calls that left more than a second apart. No real provider shares the processor's
 * pauses. A small heap with the serial collector keeps the simulator's own pauses to a few
 * milliseconds, within the processor's arrival guard.
 *
 * <p>The child exits when its standard input closes ({@code simulate --exit-when-stdin-closes}),
 * so a demo killed with SIGKILL leaves no simulator behind.
 */
public final class SimulatorProcess implements AutoCloseable {

  private static final Pattern LISTENING = Pattern.compile("^simulator listening on (http://127\\.0\\.0\\.1:\\d+) ");
  private static final List<String> JVM_OPTIONS = List.of("-Xmx256m", "-XX:+UseSerialGC");

  private final Process process;
  private final String endpoint;
  private final HttpClient http = HttpClient.newHttpClient();

  private SimulatorProcess(Process process, String endpoint) {
    this.process = process;
    this.endpoint = endpoint;
  }

  /**
   * Starts {@code mainClass simulate --port 0 <simulateArgs>} from this JVM's class path, its output
   * copied to {@code log}, and waits until it listens.
   *
   * @throws IOException if it cannot start, exits, or does not listen within {@code timeout}; the
   *     message names the log
   */
  public static SimulatorProcess start(String mainClass, List<String> simulateArgs, Path log, Duration timeout)
      throws IOException {
    List<String> command = new ArrayList<>();
    command.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    command.addAll(JVM_OPTIONS);
    command.addAll(List.of("-cp", System.getProperty("java.class.path"), mainClass, "simulate", "--port", "0",
        "--exit-when-stdin-closes"));
    command.addAll(simulateArgs);
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    CompletableFuture<String> listening = new CompletableFuture<>();
    Thread copier = new Thread(() -> copyOutput(process, log, listening), "simulator-output");
    copier.setDaemon(true);
    copier.start();
    try {
      return new SimulatorProcess(process, listening.get(timeout.toMillis(), TimeUnit.MILLISECONDS));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
      throw new IOException("interrupted while the simulator started", e);
    } catch (ExecutionException | TimeoutException e) {
      process.destroyForcibly();
      throw new IOException("the simulator did not start within " + timeout.toSeconds() + " s; its output: " + log,
          e.getCause() == null ? e : e.getCause());
    }
  }

  /** Copies the child's output to {@code log}, completing {@code listening} with its endpoint when it says it. */
  private static void copyOutput(Process process, Path log, CompletableFuture<String> listening) {
    try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
        Writer out = Files.newBufferedWriter(log, StandardCharsets.UTF_8)) {
      for (String line = lines.readLine(); line != null; line = lines.readLine()) {
        out.write(line);
        out.write(System.lineSeparator());
        out.flush();
        Matcher m = LISTENING.matcher(line);
        if (m.find()) {
          listening.complete(m.group(1));
        }
      }
      listening.completeExceptionally(new IOException("the simulator exited with " + process.waitFor()));
    } catch (IOException | InterruptedException e) {
      listening.completeExceptionally(e);
    }
  }

  /** Where it listens: {@code http://127.0.0.1:<port>}. */
  public String endpoint() {
    return endpoint;
  }

  /** Its counters, per API, as {@code GET /_sim/stats} shows them. */
  public Map<Api, ApiStats.Snapshot> stats() {
    JsonObject json = get("/_sim/stats");
    Map<Api, ApiStats.Snapshot> stats = new EnumMap<>(Api.class);
    for (Api api : Api.values()) {
      JsonObject one = json.getJsonObject(api.action());
      if (one != null) {
        stats.put(api, ApiStats.Snapshot.fromJson(one));
      }
    }
    return stats;
  }

  /** When each accepted call of {@code api} arrived, in the simulator JVM's {@link System#nanoTime()}, in order. */
  public long[] acceptedArrivals(Api api) {
    return get("/_sim/arrivals?api=" + api.action()).getJsonArray("acceptedArrivalsNanos").stream()
        .mapToLong(n -> ((Number) n).longValue()).toArray();
  }

  /** Every business key of {@code api} called, with the times of its calls (ms since the epoch), as {@code GET /_sim/calls} shows them. */
  public Map<String, List<Long>> callTimes(Api api) {
    JsonObject keys = get("/_sim/calls?api=" + api.action()).getJsonObject("callTimesMillis");
    Map<String, List<Long>> times = new java.util.HashMap<>();
    for (String key : keys.fieldNames()) {
      times.put(key, keys.getJsonArray(key).stream().map(t -> ((Number) t).longValue()).toList());
    }
    return times;
  }

  private JsonObject get(String path) {
    try {
      HttpResponse<String> response = http.send(HttpRequest.newBuilder(URI.create(endpoint + path))
          .timeout(Duration.ofSeconds(10)).build(), HttpResponse.BodyHandlers.ofString());
      if (response.statusCode() != 200) {
        throw new IllegalStateException("the simulator answered " + path + " with HTTP " + response.statusCode());
      }
      return new JsonObject(response.body());
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + path + " from the simulator at " + endpoint, e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while reading " + path + " from the simulator", e);
    }
  }

  /** Stops it with SIGTERM (its shutdown hook closes the server), SIGKILL after 10 s. */
  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }
}
