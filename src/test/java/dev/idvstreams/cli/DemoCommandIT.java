package dev.idvstreams.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idvstreams.image.HeaderOnlyJpeg;
import dev.idvstreams.simulator.SimulatorOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code demo} as a user runs it: the jar in a JVM of its own, its whole console output captured
 * (standard output and standard error), run once for both tests here, with every logger at DEBUG
 * (Kafka's clients too) and {@code --dump-dir}.
 *
 * <ul>
 *   <li>The console holds the progress bar and the summary, no log line; the logs are in the file it names.
 *   <li>No secret and no personal data anywhere the run shows: the console, the processor's log
 *       file, the simulator's, the last scrape of {@code /metrics}, and every result and dead letter
 *       as a consumer reads it (keys, headers, results whole, the dead letters' error messages).
 *       None may hold the access key secret, the batch's name or unmasked ID number, or image bytes
 *       in any of the forms a careless log would print them.
 * </ul>
 */
class DemoCommandIT {

  /** The start of a log line in the pattern of logback.xml: a time, then a level. */
  private static final Pattern LOG_LINE = Pattern.compile("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} +(TRACE|DEBUG|INFO|WARN|ERROR) ");
  private static final int REQUESTS = 400;
  private static final String NAME = "Demo Person";
  private static final String ID_NUMBER = "023432189011231236";

  @TempDir
  static Path dir;

  private static boolean ended;
  private static int exitCode;
  private static String output;
  private static Path dump;

  @BeforeAll
  static void runTheDemo() throws Exception {
    Path console = dir.resolve("console.txt");
    dump = dir.resolve("dump");
    ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx1g", "-jar", System.getProperty("idv.jar", "target/idv-streams.jar"), "demo", "--requests",
        String.valueOf(REQUESTS), "--dump-dir", dump.toString())
        .redirectErrorStream(true).redirectOutput(console.toFile());
    builder.environment().put("ALIBABA_CLOUD_ECS_METADATA_DISABLED", "true");
    builder.environment().put("LOG_LEVEL", "DEBUG");
    builder.environment().put("KAFKA_LOG_LEVEL", "DEBUG");
    Process demo = builder.start();
    ended = demo.waitFor(5, TimeUnit.MINUTES);
    if (!ended) {
      demo.destroyForcibly();
    }
    output = Files.readString(console, StandardCharsets.UTF_8);
    exitCode = ended ? demo.exitValue() : -1;
  }

  @Test
  void shouldPrintOnlyTheProgressBarAndTheSummaryAndLogToTheFileItNames() throws Exception {
    assertThat(ended).as(output).isTrue();
    assertThat(exitCode).as(output).isZero();
    assertThat(LOG_LINE.matcher(output).find()).as("a log line on the console:%n%s", output).isFalse();
    assertThat(output).contains("OK: every request ended exactly once as a result or a dead letter.")
        .contains(REQUESTS + "/" + REQUESTS + " (").contains("calls/s");
    // the progress bar rewrites one line in place (\r): count the lines that end with \n
    List<String> lines = List.of(output.split("\n"));
    assertThat(lines).as("banner, logs, endpoints, progress, summary: %n%s", output).hasSizeLessThan(40);
    Matcher logs = logs();
    String demoLog = Files.readString(Path.of(logs.group(1)), StandardCharsets.UTF_8);
    assertThat(LOG_LINE.matcher(demoLog).find()).as("the logs went to the file").isTrue();
    assertThat(demoLog).contains("Embedded Kafka broker listening");
    assertThat(Files.readString(Path.of(logs.group(2)), StandardCharsets.UTF_8)).contains("simulator listening on");
  }

  @Test
  void shouldShowNoSecretAndNoPersonalDataInLogsMetricsHeadersOrDeadLetters() throws Exception {
    assertThat(exitCode).as(output).isZero();
    Matcher logs = logs();
    Map<String, String> captured = new LinkedHashMap<>();
    captured.put("console", output);
    captured.put("processor log", Files.readString(Path.of(logs.group(1)), StandardCharsets.UTF_8));
    captured.put("simulator log", Files.readString(Path.of(logs.group(2)), StandardCharsets.UTF_8));
    captured.put("metrics", Files.readString(dump.resolve("metrics.txt"), StandardCharsets.UTF_8));
    captured.put("results and dead letters", Files.readString(dump.resolve("events.txt"), StandardCharsets.UTF_8));

    // what was captured is what the claim is about: DEBUG lines, the metrics, every event with its headers
    assertThat(captured.get("processor log")).contains(" DEBUG ").contains("org.apache.kafka");
    assertThat(captured.get("processor log").length()).as("a DEBUG run logs a lot").isGreaterThan(100_000);
    assertThat(captured.get("metrics")).contains("idv_results_total").contains("idv_api_calls_seconds_count");
    assertThat(captured.get("results and dead letters")).contains("idv.results key=demo-").contains("idv.dlq key=")
        .contains("stage=VALIDATION").contains("stage=DECODE");

    byte[] refFace = HeaderOnlyJpeg.of(640, 480, "ref");
    List<String> forbidden = List.of(
        SimulatorOptions.DEFAULT_ACCESS_KEY_SECRET,
        NAME,
        ID_NUMBER,
        Base64.getEncoder().encodeToString(refFace),
        Base64.getEncoder().encodeToString(Arrays.copyOf(refFace, 24)),
        Base64.getUrlEncoder().encodeToString(Arrays.copyOf(refFace, 24)),
        hex(Arrays.copyOf(refFace, 24)),
        "auth ok demo-", // the comment inside a FaceCheck image, were its bytes printed as text
        Arrays.toString(Arrays.copyOf(refFace, 12)).replace("]", ""));
    captured.forEach((where, text) -> {
      for (String secret : forbidden) {
        assertThat(text).as("%s holds %s", where, secret.length() > 20 ? secret.substring(0, 20) + "..." : secret)
            .doesNotContain(secret);
      }
    });
    assertThat(captured.get("processor log") + captured.get("results and dead letters"))
        .as("ID numbers appear masked, if at all").doesNotContainPattern("0234321890112312[0-9]{2}");
  }

  private static Matcher logs() {
    Matcher logs = Pattern.compile("logs: (\\S+demo\\.log); the simulator's: (\\S+)").matcher(output);
    assertThat(logs.find()).as(output).isTrue();
    return logs;
  }

  private static String hex(byte[] bytes) {
    StringBuilder text = new StringBuilder();
    for (byte b : bytes) {
      text.append(String.format("%02x", b));
    }
    return text.toString();
  }
}
