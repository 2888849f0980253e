package dev.idvstreams.cli;

import dev.idvstreams.runtime.ProcessorRuntime;
import dev.idvstreams.config.ConfigLoader;
import dev.idvstreams.config.IdvConfig;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import org.apache.kafka.streams.KafkaStreams;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code run --config FILE}: the processor against the configured Kafka, registry and APIs, until SIGTERM. */
@Command(name = "run", mixinStandardHelpOptions = true,
  description = "Run the processor. Every key of the file can also be set as IDV_<KEY> in the environment (see docs/configuration.md).")
final class RunCommand implements Callable<Integer> {

  @Option(names = "--config", required = true, description = "Properties file.")
  Path config;

  @Override
  public Integer call() {
    IdvConfig settings = ConfigLoader.fromSystemEnvironment().load(config);
    ProcessorRuntime runtime = ProcessorRuntime.start(settings);
    Runtime.getRuntime().addShutdownHook(new Thread(runtime::close, "idv-shutdown"));
    KafkaStreams.State end = runtime.stopped().join();
    return end == KafkaStreams.State.ERROR ? 1 : 0;
  }
}
