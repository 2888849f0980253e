package dev.idvstreams.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code dlq}: the group of dead-letter commands ({@code dlq replay}). */
@Command(name = "dlq", mixinStandardHelpOptions = true, description = "Work with the dead-letter topic.",
  subcommands = DlqReplayCommand.class)
final class DlqCommand implements Runnable {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "Missing subcommand: see dlq --help");
  }
}
