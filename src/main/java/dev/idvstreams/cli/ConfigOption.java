package dev.idvstreams.cli;

import dev.idvstreams.config.ConfigLoader;
import dev.idvstreams.config.IdvConfig;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --config FILE} of the operator commands: the same file and IDV_* variables as {@code run}. */
final class ConfigOption {

  @Option(names = "--config", required = true, paramLabel = "FILE",
    description = "Properties file, as for run; IDV_<KEY> environment variables override it.")
  Path file;

  IdvConfig load() {
    return ConfigLoader.fromSystemEnvironment().load(file);
  }
}
