package dev.idvstreams.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code demo} as a user runs it: the jar in a JVM of its own, its whole console output captured
 * (standard output and standard error). The console holds the progress bar and the summary, no
 * log line; the logs are in the file it names.
 */
class DemoCommandIT {

  /** The start of a log line in the pattern of logback.xml: a time, then a level. */
  private static final Pattern LOG_LINE = Pattern.compile("\\d\\d:\\d\\d:\\d\\d\\.\\d{3} +(TRACE|DEBUG|INFO|WARN|ERROR) ");

  @TempDir
  Path dir;

  @Test
  void shouldPrintOnlyTheProgressBarAndTheSummaryAndLogToTheFileItNames() throws Exception {
    Path console = dir.resolve("console.txt");
    ProcessBuilder builder = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
        "-Xmx1g", "-jar", System.getProperty("idv.jar", "target/idv-streams.jar"), "demo", "--requests", "500")
        .redirectErrorStream(true).redirectOutput(console.toFile());
    builder.environment().put("ALIBABA_CLOUD_ECS_METADATA_DISABLED", "true");
    Process demo = builder.start();
    boolean ended = demo.waitFor(5, TimeUnit.MINUTES);
    if (!ended) {
      demo.destroyForcibly();
    }
    String output = Files.readString(console, StandardCharsets.UTF_8);

    assertThat(ended).as(output).isTrue();
    assertThat(demo.exitValue()).as(output).isZero();
    assertThat(LOG_LINE.matcher(output).find()).as("a log line on the console:%n%s", output).isFalse();
    assertThat(output).contains("OK: every request ended exactly once as a result or a dead letter.")
        .contains("500/500 (").contains("calls/s");
    // the progress bar rewrites one line in place (\r): count the lines that end with \n
    List<String> lines = List.of(output.split("\n"));
    assertThat(lines).as("banner, logs, endpoints, progress, summary: %n%s", output).hasSizeLessThan(40);
    Matcher logs = Pattern.compile("logs: (\\S+demo\\.log); the simulator's: (\\S+)").matcher(output);
    assertThat(logs.find()).as(output).isTrue();
    String demoLog = Files.readString(Path.of(logs.group(1)), StandardCharsets.UTF_8);
    assertThat(LOG_LINE.matcher(demoLog).find()).as("the logs went to the file").isTrue();
    assertThat(demoLog).contains("Embedded Kafka broker listening");
    assertThat(Files.readString(Path.of(logs.group(2)), StandardCharsets.UTF_8)).contains("simulator listening on");
  }
}
