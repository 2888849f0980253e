package dev.idvstreams.simulator;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.idvstreams.api.Api;
import dev.idvstreams.aliyun.ErrorClass;
import dev.idvstreams.cli.Main;
import dev.idvstreams.cli.SimulateCommand;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The {@code simulate} flags, as registered in the CLI, turned into simulator settings. */
class SimulateCommandTest {

  @Test
  void shouldTurnFlagsIntoSimulatorOptions() {
    SimulatorOptions options = parse("simulate", "--port", "18089", "--qps", "CredentialVerifyIntl=7",
        "--qps", "ExecuteRequest=20", "--latency-ms", "15", "--latency-jitter-ms", "5",
        "--error-rate", "TRANSIENT=0.1", "--repeat-window-ms", "500");

    assertThat(options.port()).isEqualTo(18089);
    assertThat(options.qps(Api.CREDENTIAL_VERIFY_INTL)).isEqualTo(7);
    assertThat(options.qps(Api.FACE_VERIFY)).isEqualTo(20);
    assertThat(options.qps(Api.VERIFY_MATERIAL)).isEqualTo(10);
    assertThat(options.latency()).isEqualTo(Duration.ofMillis(15));
    assertThat(options.latencyJitter()).isEqualTo(Duration.ofMillis(5));
    assertThat(options.errorRates()).containsEntry(ErrorClass.TRANSIENT, 0.1);
    assertThat(options.repeatWindow()).isEqualTo(Duration.ofMillis(500));
    assertThat(options.accessKeys()).containsOnlyKeys(SimulatorOptions.DEFAULT_ACCESS_KEY_ID);
  }

  @Test
  void shouldRefuseUnknownApiName() {
    assertThatThrownBy(() -> parse("simulate", "--qps", "DescribeNothing=5"))
        .hasMessageContaining("Unknown API 'DescribeNothing'");
  }

  private static SimulatorOptions parse(String... args) {
    CommandLine.ParseResult result = Main.commandLine().parseArgs(args);
    return ((SimulateCommand) result.subcommand().commandSpec().userObject()).options();
  }
}
