package dev.idvstreams.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** The {@code control} command as an operator runs it, in this JVM, against a processor's configuration. */
final class ControlCli {

  private final Path configFile;

  /** Writes {@code config} as the properties file the command reads. */
  ControlCli(Map<String, String> config, Path dir) throws java.io.IOException {
    this.configFile = dir.resolve("idv-control.properties");
    Files.writeString(configFile, config.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
        .collect(Collectors.joining("\n")), StandardCharsets.UTF_8);
  }

  /** Runs {@code control <args> --config FILE}; asserts it exits 0; its output. */
  String run(String... args) {
    List<String> all = new ArrayList<>(List.of("control"));
    all.addAll(List.of(args));
    all.addAll(List.of("--config", configFile.toString()));
    OperatorTool.Run run = OperatorTool.execute(all);
    assertThat(run.exitCode()).as("control %s: %s %s", List.of(args), run.out(), run.err()).isZero();
    return run.out();
  }

}
