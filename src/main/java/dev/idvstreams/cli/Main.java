package dev.idvstreams.cli;

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
    return new CommandLine(new Main());
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "Missing command: see --help");
  }
}
