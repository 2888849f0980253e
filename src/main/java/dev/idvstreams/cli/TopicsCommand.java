package dev.idvstreams.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;

/** {@code topics}: the group of topic commands ({@code topics create}). */
@Command(name = "topics", mixinStandardHelpOptions = true, description = "Manage the three topics.",
  subcommands = TopicsCreateCommand.class)
final class TopicsCommand implements Runnable {

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "Missing subcommand: see topics --help");
  }
}
