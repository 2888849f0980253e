package dev.idvstreams.cli;

import dev.idvstreams.config.IdvConfig;
import dev.idvstreams.operator.TopicCreator;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/**
 * {@code topics create}: the request, result and dead-letter topics with the configured partitions
 * and replication factor, made by {@link TopicCreator}. Idempotent: a topic that exists is
 * reported with what it has and left as it is (its partitions and configs are not changed).
 */
@Command(name = "create", mixinStandardHelpOptions = true,
  description = "Create the request, result and dead-letter topics (topic.partitions, topic.replication.factor); existing ones are left as they are.")
final class TopicsCreateCommand implements Callable<Integer> {

  static final long DEFAULT_DLQ_RETENTION_MS = TopicCreator.DEFAULT_DLQ_RETENTION_MS;

  @Mixin
  ConfigOption config;

  @Option(names = "--dlq-retention-ms", paramLabel = "MS", defaultValue = "" + DEFAULT_DLQ_RETENTION_MS,
    description = "retention.ms of the dead-letter topic (default: ${DEFAULT-VALUE}, 30 days).")
  long dlqRetentionMs;

  @Spec
  CommandSpec spec;

  @Override
  public Integer call() throws InterruptedException, ExecutionException, TimeoutException {
    IdvConfig settings = config.loadAndReach();
    PrintWriter out = spec.commandLine().getOut();
    PrintWriter err = spec.commandLine().getErr();
    int failures = TopicCreator.create(settings, dlqRetentionMs, new TopicCreator.Listener() {
      @Override
      public void created(String name, int partitions, int replicationFactor) {
        out.println("created " + name + " (partitions " + partitions + ", replication factor " + replicationFactor + ")");
      }

      @Override
      public void exists(String name, int partitions, int replicationFactor) {
        out.println("exists  " + name + " (partitions " + partitions + ", replication factor " + replicationFactor
          + "): left as it is");
      }

      @Override
      public void failed(String name, Throwable cause) {
        err.println("failed  " + name + ": " + cause.getMessage());
      }
    });
    out.flush();
    err.flush();
    return failures == 0 ? 0 : 1;
  }
}
