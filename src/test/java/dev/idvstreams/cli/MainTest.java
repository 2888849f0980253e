package dev.idvstreams.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The command line without Kafka: help, version, registration, usage errors. */
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

  @Test
  void shouldListTheOperatorCommands() {
    assertThat(run("--help")).isZero();
    assertThat(out.toString()).contains("produce").contains("consume").contains("dlq").contains("topics");
  }

  @Test
  void shouldSayWhenTheRequestFileIsMissing(@TempDir Path dir) throws Exception {
    Path config = Files.writeString(dir.resolve("idv.properties"), "bootstrap.servers=127.0.0.1:9\nschema.registry.url=mock://missing-file\n");

    assertThat(run("produce", "--config", config.toString(), "--file", dir.resolve("absent.jsonl").toString())).isEqualTo(1);
    assertThat(err.toString()).contains("no such file: " + dir.resolve("absent.jsonl"));
  }

  @Test
  void shouldAskForTheSubcommandOfAGroup() {
    assertThat(run("dlq")).isEqualTo(2);
    assertThat(run("topics")).isEqualTo(2);
    assertThat(err.toString()).contains("Missing subcommand: see dlq --help").contains("Missing subcommand: see topics --help");
  }

  @Test
  void shouldRequireTheConfigAndNameTheValidStages() {
    assertThat(run("produce", "--file", "x.jsonl")).isEqualTo(2);
    assertThat(err.toString()).contains("Missing required option: '--config=FILE'");
    assertThat(run("dlq", "replay", "--config", "c.properties", "--stage", "LATER")).isEqualTo(2);
    assertThat(err.toString()).contains("DECODE, VALIDATION, DEDUP_CONFLICT, PROVIDER");
  }
}
