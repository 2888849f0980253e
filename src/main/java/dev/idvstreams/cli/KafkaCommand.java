package dev.idvstreams.cli;

import dev.idvstreams.embedded.EmbeddedKafkaBroker;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code kafka}: a standalone embedded KRaft broker for local development. */
@Command(name = "kafka", mixinStandardHelpOptions = true,
    description = "Run a single-node KRaft Kafka broker on 127.0.0.1 until stopped (SIGTERM or Ctrl-C).")
final class KafkaCommand implements Callable<Integer> {

  @Option(names = "--port", defaultValue = "9092", description = "Client port on 127.0.0.1 (default: ${DEFAULT-VALUE}).")
  int port;

  @Option(names = "--data-dir", defaultValue = "${sys:java.io.tmpdir}/idv-streams-kafka",
      description = "Broker data directory; formatted on first use, kept afterwards (default: ${DEFAULT-VALUE}).")
  Path dataDir;

  @Override
  public Integer call() throws InterruptedException {
    EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.start(dataDir, port, false);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      broker.close();
      stopped.countDown();
    }, "kafka-shutdown"));
    System.out.println("Kafka broker ready: bootstrap.servers=" + broker.bootstrapServers() + " (data in " + dataDir + ")");
    System.out.flush();
    stopped.await();
    return 0;
  }
}
