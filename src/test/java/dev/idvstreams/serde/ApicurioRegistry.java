package dev.idvstreams.serde;

import dev.idvstreams.embedded.FreePort;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.awaitility.Awaitility;

/**
 * A real Apicurio Registry process on 127.0.0.1, from the distribution Maven unpacked into
 * target/apicurio (pom.xml, maven-dependency-plugin). Its Confluent-compatible API is at
 * {@link #ccompatUrl()}.
 */
public final class ApicurioRegistry implements AutoCloseable {

  private static ApicurioRegistry shared;

  private final Process process;
  private final int port;
  private boolean isShared;

  private ApicurioRegistry(Process process, int port) {
    this.process = process;
    this.port = port;
  }

  /**
   * One registry for every test of this JVM that needs a registry, not a fresh one: each test's
   * topics, hence its subjects, are its own. Started on first use (a few seconds each time saved
   * for every other test), stopped when the JVM exits; {@link #close()} leaves it running.
   */
  public static synchronized ApicurioRegistry shared() throws IOException {
    if (shared == null || !shared.process.isAlive()) {
      shared = start();
      shared.isShared = true;
      Process process = shared.process;
      Runtime.getRuntime().addShutdownHook(new Thread(process::destroy, "apicurio-shutdown"));
    }
    return shared;
  }

  public static ApicurioRegistry start() throws IOException {
    Path dir = Path.of(System.getProperty("apicurio.dir", "target/apicurio"));
    Path jar = dir.resolve("apicurio-registry-app-" + System.getProperty("apicurio.version", "2.6.13.Final") + "-runner.jar");
    if (!Files.exists(jar)) {
      throw new IllegalStateException(jar + " is missing: run the tests through Maven (mvn verify), which unpacks it");
    }
    int port = FreePort.pick();
    Path log = Files.createTempFile("apicurio-", ".log");
    Process process = new ProcessBuilder(
        Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx384m", "-XX:+UseSerialGC",
        "-Dquarkus.http.host=127.0.0.1", "-Dquarkus.http.port=" + port,
        "-Dquarkus.management.enabled=false",
        "-jar", jar.toString())
        .directory(dir.toFile())
        .redirectErrorStream(true)
        .redirectOutput(log.toFile())
        .start();
    ApicurioRegistry registry = new ApicurioRegistry(process, port);
    HttpClient http = HttpClient.newHttpClient();
    Awaitility.await("Apicurio Registry up (log: " + log + ")").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250))
        .until(() -> {
          if (!process.isAlive()) {
            throw new IllegalStateException("Apicurio Registry exited: " + Files.readString(log));
          }
          try {
            return http.send(HttpRequest.newBuilder(URI.create(registry.ccompatUrl() + "/subjects")).build(),
                HttpResponse.BodyHandlers.discarding()).statusCode() == 200;
          } catch (IOException e) {
            return false;
          }
        });
    return registry;
  }

  public int port() {
    return port;
  }

  public String ccompatUrl() {
    return "http://127.0.0.1:" + port + "/apis/ccompat/v7";
  }

  /** Stops it, unless it is the {@link #shared()} one. */
  @Override
  public void close() throws InterruptedException {
    if (isShared) {
      return;
    }
    process.destroy();
    if (!process.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
    }
  }
}
