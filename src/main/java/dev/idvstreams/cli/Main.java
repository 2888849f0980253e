package dev.idvstreams.cli;

import dev.idvstreams.kafka.KafkaAccessException;
import dev.idvstreams.serde.RegistryUnavailableException;
import org.apache.kafka.common.config.ConfigException;
import picocli.CommandLine;
import picocli.CommandLine.Command;

/** The entry point of {@code idv-streams.jar}: one subcommand per class, as README.md#command-line lists them. */
@Command(
    name = "idv-streams",
    mixinStandardHelpOptions = true,
    versionProvider = VersionProvider.class,
    description = "Identity verification on Kafka Streams with the Alibaba Cloud ID Verification APIs.",
    subcommands = {
        KafkaCommand.class,
        SimulateCommand.class,
        RunCommand.class,
        DemoCommand.class,
        ProduceCommand.class,
        ConsumeCommand.class,
        DlqCommand.class,
        ControlCommand.class,
        TopicsCommand.class,
        CommandLine.HelpCommand.class
    })
public final class Main implements Runnable {

  @CommandLine.Spec CommandLine.Model.CommandSpec spec;

  public static void main(String[] args) {
    System.exit(commandLine().execute(args));
  }

  /** The configured command line, shared by {@link #main} and the tests. */
  public static CommandLine commandLine() {
    return new CommandLine(new Main()).setExecutionExceptionHandler(Main::startFailure);
  }

  /**
   * A configuration that fails validation, or a cluster or registry that cannot be used with it, ends the
   * command with its message alone, which names the key or the cause: a stack trace would bury it.
   * Anything else is a bug and keeps its trace.
   */
  private static int startFailure(Exception e, CommandLine commandLine, CommandLine.ParseResult parsed) throws Exception {
    if (e instanceof ConfigException || e instanceof KafkaAccessException || e instanceof RegistryUnavailableException) {
      commandLine.getErr().println("idv-streams " + commandLine.getCommandName() + ": " + e.getMessage());
      commandLine.getErr().flush();
      return 2;
    }
    throw e;
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "Missing command: see --help");
  }
}
