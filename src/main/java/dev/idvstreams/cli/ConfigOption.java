package dev.idvstreams.cli;

import dev.idvstreams.config.ConfigLoader;
import dev.idvstreams.config.IdvConfig;
import dev.idvstreams.kafka.ClusterCheck;
import java.nio.file.Path;
import picocli.CommandLine.Option;

/** {@code --config FILE} of the operator commands: the same file and IDV_* variables as {@code run}. */
final class ConfigOption {

  @Option(names = "--config", required = true, paramLabel = "FILE",
    description = "Properties file, as for run; IDV_<KEY> environment variables override it.")
  Path file;

  /**
   * The configuration, once a broker has answered with its Kafka settings: a command against a
   * cluster that refuses its credentials or certificate stops here with the cause named
   * ({@link ClusterCheck}), not in a client's retries.
   */
  IdvConfig loadAndReach() {
    IdvConfig config = load();
    ClusterCheck.reach(config.kafkaClientProperties(), ClusterCheck.DEFAULT_TIMEOUT);
    return config;
  }

  /** The configuration alone, for a command with input of its own to check before it reaches Kafka. */
  IdvConfig load() {
    return ConfigLoader.fromSystemEnvironment().load(file);
  }
}
