package dev.idvstreams.cli;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The processor as a separate JVM: {@code java -jar idv-streams.jar run --config FILE}, stopped
 * with real signals (SIGTERM by {@link #terminate()}, SIGKILL by {@link #kill()}). Its output goes
 * to a log file the test can read.
 */
public final class ProcessorProcess implements AutoCloseable {

  private final String name;
  private final Process process;
  private final Path log;

  private ProcessorProcess(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
  }

  public static ProcessorProcess start(String name, Map<String, String> config) throws IOException {
    return start(name, config, List.of());
  }

  /** @param jvmArgs more JVM options, for example {@code -DLOG_LEVEL=DEBUG} (logback.xml reads it) */
  public static ProcessorProcess start(String name, Map<String, String> config, List<String> jvmArgs) throws IOException {
    Properties properties = new Properties();
    properties.putAll(config);
    Path file = Files.createTempFile("idv-" + name + "-", ".properties");
    try (OutputStream out = Files.newOutputStream(file)) {
      properties.store(out, null);
    }
    Path log = Files.createTempFile("idv-" + name + "-", ".log");
    List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
      "-Xmx384m", "-XX:+UseSerialGC", "-XX:TieredStopAtLevel=1"));
    // e.g. -Didv.processorJvmArgs=-Dlogback.configurationFile=FILE to read Kafka's own logs of a run
    String extra = System.getProperty("idv.processorJvmArgs", "").strip();
    if (!extra.isEmpty()) {
      command.addAll(List.of(extra.split("\\s+")));
    }
    command.addAll(jvmArgs);
    command.addAll(List.of("-jar", System.getProperty("idv.jar", "target/idv-streams.jar"), "run", "--config", file.toString()));
    ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
    builder.environment().put("ALIBABA_CLOUD_ECS_METADATA_DISABLED", "true");
    builder.environment().remove("HOSTNAME");
    return new ProcessorProcess(name, builder.start(), log);
  }

  public String name() {
    return name;
  }

  public long pid() {
    return process.pid();
  }

  /** SIGTERM: the instance drains and leaves the group. */
  public void terminate() {
    process.destroy();
  }

  /** SIGKILL: no drain, no commit, no goodbye to the group. */
  public void kill() throws InterruptedException {
    process.destroyForcibly().waitFor();
  }

  public boolean awaitExit(Duration timeout) throws InterruptedException {
    return process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  public int exitValue() {
    return process.exitValue();
  }

  public String log() throws IOException {
    return Files.readString(log, StandardCharsets.UTF_8);
  }

  /** The heap in use after a full collection, read with the JDK's own jcmd. */
  public long heapAfterGc() throws IOException, InterruptedException {
    jcmd("GC.run");
    String info = jcmd("GC.heap_info");
    Matcher used = USED.matcher(info);
    long kilobytes = 0;
    while (used.find()) {
      kilobytes += Long.parseLong(used.group(1));
    }
    if (kilobytes <= 0) {
      throw new IllegalStateException("no heap figures in: " + info);
    }
    return kilobytes * 1024;
  }

  private static final Pattern USED = Pattern.compile("generation\\s+total \\d+K, used (\\d+)K");

  private String jcmd(String command) throws IOException, InterruptedException {
    Process jcmd = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
        String.valueOf(process.pid()), command).redirectErrorStream(true).start();
    String output = new String(jcmd.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (jcmd.waitFor() != 0) {
      throw new IOException("jcmd " + command + " failed: " + output);
    }
    return output;
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroyForcibly().waitFor(30, TimeUnit.SECONDS);
    }
  }
}
