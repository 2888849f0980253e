package dev.idvstreams.embedded;

import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.testcontainers.DockerClientFactory;
import org.testcontainers.kafka.KafkaContainer;

/**
 * Gives integration tests a {@link KafkaBootstrap}: {@code KAFKA_BOOTSTRAP_SERVERS} when set, else
 * a Testcontainers Kafka when a Docker engine answers, else the embedded KRaft broker. One cluster
 * serves every test class of the JVM (started on first use, stopped when the run ends), because a
 * broker start costs seconds and tests isolate themselves by topic and application id.
 */
public final class KafkaExtension implements ParameterResolver {

  private static final Logger LOG = LoggerFactory.getLogger(KafkaExtension.class);
  private static final String ENV = "KAFKA_BOOTSTRAP_SERVERS";

  @Override
  public boolean supportsParameter(ParameterContext parameter, ExtensionContext context) {
    return parameter.getParameter().getType() == KafkaBootstrap.class;
  }

  @Override
  public Object resolveParameter(ParameterContext parameter, ExtensionContext context) {
    return context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL)
        .getOrComputeIfAbsent(KafkaExtension.class, k -> startCluster(), Cluster.class)
        .bootstrap();
  }

  private static Cluster startCluster() {
    String external = System.getenv(ENV);
    if (external != null && !external.isBlank()) {
      return new Cluster(new KafkaBootstrap(external, ENV), () -> {});
    }
    if (dockerAvailable()) {
      KafkaContainer container = new KafkaContainer("apache/kafka:4.1.0");
      container.start();
      return new Cluster(new KafkaBootstrap(container.getBootstrapServers(), "testcontainers"), container::stop);
    }
    EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.startTemporary();
    return new Cluster(new KafkaBootstrap(broker.bootstrapServers(), "embedded"), broker::close);
  }

  private static boolean dockerAvailable() {
    // asking Testcontainers without any engine logs a long error: look for one first
    if (System.getenv("DOCKER_HOST") == null && !java.nio.file.Files.exists(java.nio.file.Path.of("/var/run/docker.sock"))) {
      return false;
    }
    try {
      return DockerClientFactory.instance().isDockerAvailable();
    } catch (RuntimeException | LinkageError e) {
      LOG.debug("No Docker engine: {}", e.toString());
      return false;
    }
  }

  /** Stopped by JUnit when the root context closes, that is at the end of the run. */
  private record Cluster(KafkaBootstrap bootstrap, Runnable stop)
      implements ExtensionContext.Store.CloseableResource, AutoCloseable {
    @Override
    public void close() {
      stop.run();
    }
  }
}
