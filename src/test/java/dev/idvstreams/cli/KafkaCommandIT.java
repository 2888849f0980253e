package dev.idvstreams.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idvstreams.embedded.FreePort;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/** The shaded jar's {@code kafka} command, run as an operator would: a separate process that
 * Kafka's own console tools talk to, stopped with SIGTERM. */
class KafkaCommandIT {

  @Test
  void shouldServeKafkaClientsAndStopOnSigterm() throws Exception {
    Path jar = Path.of(System.getProperty("idv.jar", "target/idv-streams.jar"));
    int port = FreePort.pick();
    Path dataDir = Files.createTempDirectory("kafka-cmd-");
    Process broker = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx512m", "-jar", jar.toString(), "kafka", "--port", String.valueOf(port), "--data-dir", dataDir.toString())
        .redirectErrorStream(true).start();
    try {
      BufferedReader output = new BufferedReader(new InputStreamReader(broker.getInputStream(), StandardCharsets.UTF_8));
      String ready = Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> readLineContaining(output, "ready"), l -> l != null);
      assertThat(ready).contains("bootstrap.servers=127.0.0.1:" + port);

      String bootstrap = "127.0.0.1:" + port;
      assertThat(tool("org.apache.kafka.tools.TopicCommand", null,
          "--bootstrap-server", bootstrap, "--create", "--topic", "cmd-topic", "--partitions", "2")).contains("Created topic cmd-topic");
      assertThat(tool("org.apache.kafka.tools.TopicCommand", null, "--bootstrap-server", bootstrap, "--list")).contains("cmd-topic");
      tool("org.apache.kafka.tools.ConsoleProducer", "hello from the console\n", "--bootstrap-server", bootstrap, "--topic", "cmd-topic");
      assertThat(tool("org.apache.kafka.tools.consumer.ConsoleConsumer", null, "--bootstrap-server", bootstrap,
          "--topic", "cmd-topic", "--from-beginning", "--max-messages", "1", "--timeout-ms", "30000"))
          .contains("hello from the console");

      long stopAsked = System.nanoTime();
      broker.destroy(); // SIGTERM
      assertThat(broker.waitFor(15, TimeUnit.SECONDS)).as("broker stopped within 15 s of SIGTERM").isTrue();
      assertThat(Duration.ofNanos(System.nanoTime() - stopAsked)).isLessThan(Duration.ofSeconds(15));
    } finally {
      broker.destroyForcibly();
    }
  }

  /** Runs one of Kafka's own command-line tools in a JVM of its own, as an operator would; returns its output. */
  private static String tool(String mainClass, String stdin, String... args) throws Exception {
    List<String> command = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx256m", "-cp", System.getProperty("java.class.path"), mainClass));
    command.addAll(List.of(args));
    Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
    if (stdin != null) {
      process.getOutputStream().write(stdin.getBytes(StandardCharsets.UTF_8));
    }
    process.getOutputStream().close();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).as("%s finished", mainClass).isTrue();
    assertThat(process.exitValue()).as("%s exit code; output: %s", mainClass, output).isZero();
    return output;
  }

  private static String readLineContaining(BufferedReader output, String text) throws java.io.IOException {
    String line;
    while ((line = output.readLine()) != null) {
      if (line.contains(text)) {
        return line;
      }
    }
    return null;
  }
}
