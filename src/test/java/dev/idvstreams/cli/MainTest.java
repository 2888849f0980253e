package dev.idvstreams.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

class MainTest {

  private final StringWriter out = new StringWriter();
  private final StringWriter err = new StringWriter();

  private int run(String... args) {
    CommandLine cli = Main.commandLine();
    cli.setOut(new PrintWriter(out));
    cli.setErr(new PrintWriter(err));
    return cli.execute(args);
  }

  @Test
  void shouldListTheCommandsInHelp() {
    assertThat(run("--help")).isZero();
    assertThat(out.toString()).contains("Usage: idv-streams").contains("kafka");
  }

  @Test
  void shouldPrintTheBuildVersion() {
    assertThat(run("--version")).isZero();
    assertThat(out.toString()).containsPattern("idv-streams \\d+\\.\\d+\\.\\d+").contains("Kafka Streams 4.3.1");
  }

  @Test
  void shouldFailWithUsageWithoutACommand() {
    assertThat(run()).isEqualTo(2);
    assertThat(err.toString()).contains("Missing command");
  }

  @Test
  void shouldRejectAnUnknownCommand() {
    assertThat(run("frobnicate")).isEqualTo(2);
    assertThat(err.toString()).contains("frobnicate");
  }
}
