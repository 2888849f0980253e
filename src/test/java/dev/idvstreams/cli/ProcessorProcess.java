package dev.idvstreams.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;

/**
 * The processor as a separate JVM: {@code java -jar idv-streams.jar run --config FILE}, stopped
 * with real signals (SIGTERM by {@link #terminate()}, SIGKILL by {@link #kill()}). Its output goes
 * to a log file the test can read.
 */
final class ProcessorProcess implements AutoCloseable {

  private final String name;
  private final Process process;
  private final Path log;

  private ProcessorProcess(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
  }

  static ProcessorProcess start(String name, Map<String, String> config) throws IOException {
    Properties properties = new Properties();
    properties.putAll(config);
    Path file = Files.createTempFile("idv-" + name + "-", ".properties");
    try (OutputStream out = Files.newOutputStream(file)) {
      properties.store(out, null);
    }
    Path log = Files.createTempFile("idv-" + name + "-", ".log");
    ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
      "-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1", "-jar",
      System.getProperty("idv.jar", "target/idv-streams.jar"), "run", "--config", file.toString())
      .redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().put("ALIBABA_CLOUD_ECS_METADATA_DISABLED", "true");
    builder.environment().remove("HOSTNAME");
    return new ProcessorProcess(name, builder.start(), log);
  }

  String name() {
    return name;
  }

  long pid() {
    return process.pid();
  }

  /** SIGTERM: the instance drains and leaves the group. */
  void terminate() {
    process.destroy();
  }

  /** SIGKILL: no drain, no commit, no goodbye to the group. */
  void kill() throws InterruptedException {
    process.destroyForcibly().waitFor();
  }

  boolean awaitExit(Duration timeout) throws InterruptedException {
    return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  boolean isAlive() {
    return process.isAlive();
  }

  int exitValue() {
    return process.exitValue();
  }

  String log() throws IOException {
    return Files.readString(log, StandardCharsets.UTF_8);
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }
  }
}
