package dev.idvstreams.cli;

import dev.idvstreams.api.Api;
import dev.idvstreams.config.IdvConfig;
import dev.idvstreams.control.ControlKey;
import dev.idvstreams.control.ControlLog;
import dev.idvstreams.control.ControlRecord;
import dev.idvstreams.control.ControlState;
import dev.idvstreams.operator.OperatorClients;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * {@code control}: writes and shows the control topic that every instance of the group follows
 * (docs/control.md). A setting takes effect group-wide within a few seconds, and overrides
 * the configuration file's until it is cleared.
 */
@Command(name = "control", mixinStandardHelpOptions = true,
  description = "Pause or resume an API, or set its QPS limit or daily budget, for the whole group, through the "
    + "control topic.",
  subcommands = {ControlCommand.Pause.class, ControlCommand.Resume.class, ControlCommand.SetQps.class,
    ControlCommand.SetBudget.class, ControlCommand.Clear.class, ControlCommand.Show.class})
final class ControlCommand implements Runnable {

  private static final Duration TIMEOUT = Duration.ofSeconds(30);

  @CommandLine.Spec
  CommandLine.Model.CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "Missing subcommand: see control --help");
  }

  /** What every subcommand takes: the configuration file and, but for show, the API. */
  static class Target {
    @Mixin
    ConfigOption config;

    @Option(names = "--api", required = true, paramLabel = "API",
      description = "CredentialVerifyIntl, VerifyMaterial or ExecuteRequest.")
    String api;
  }

  /** Writes {@code key} = {@code value} (null: removes it), creating the topic if it is missing. */
  private static int write(IdvConfig settings, ControlKey key, Long value, PrintWriter out) throws Exception {
    String topic = ControlLog.topicName(settings.applicationId());
    try (Admin admin = Admin.create(settings.kafkaClientProperties())) {
      ControlLog.createTopic(admin, topic, Optional.empty());
    }
    byte[] bytes = value == null ? null : ControlRecord.encode(value, key, "idv-streams control");
    try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
        OperatorClients.producerProperties(settings, "idv-control"), new StringSerializer(), new ByteArraySerializer())) {
      producer.send(new ProducerRecord<>(topic, 0, key.key(), bytes)).get(TIMEOUT.toSeconds(), TimeUnit.SECONDS);
    }
    out.println("wrote " + key.key() + " = " + (value == null ? "(removed: the configuration's value applies)"
      : new String(bytes, java.nio.charset.StandardCharsets.UTF_8)) + " to " + topic);
    return 0;
  }

  /** A subcommand that sets one setting of one API: what it sets, and to what. */
  abstract static class SetOne implements Callable<Integer> {
    @Mixin
    Target target;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    abstract ControlKey.Setting setting();

    /** The value to write, checked against the setting's range before it is. */
    abstract long value();

    @Override
    public Integer call() throws Exception {
      long value = value();
      if (!setting().accepts(value)) {
        throw new CommandLine.ParameterException(spec.commandLine(), spec.commandLine().getCommandName()
          + " takes " + setting().min() + " to " + setting().max() + ", was " + value);
      }
      return write(target.config.loadAndReach(), new ControlKey(setting(), Api.parse(target.api)), value,
        spec.commandLine().getOut());
    }
  }

  @Command(name = "pause", mixinStandardHelpOptions = true,
    description = "Hold every request of an API, group-wide: none is called, none is dead-lettered, until resume.")
  static final class Pause extends SetOne {
    @Override
    ControlKey.Setting setting() {
      return ControlKey.Setting.PAUSED;
    }

    @Override
    long value() {
      return 1;
    }
  }

  @Command(name = "resume", mixinStandardHelpOptions = true, description = "Resume a paused API, group-wide.")
  static final class Resume extends SetOne {
    @Override
    ControlKey.Setting setting() {
      return ControlKey.Setting.PAUSED;
    }

    @Override
    long value() {
      return 0;
    }
  }

  @Command(name = "set-qps", mixinStandardHelpOptions = true,
    description = "Set an API's QPS limit for the whole group, over the configuration's qps.<api>.")
  static final class SetQps extends SetOne {
    @Parameters(index = "0", paramLabel = "QPS", description = "Calls per second, from 1.")
    long qps;

    @Override
    ControlKey.Setting setting() {
      return ControlKey.Setting.QPS;
    }

    @Override
    long value() {
      return qps;
    }
  }

  @Command(name = "set-budget", mixinStandardHelpOptions = true,
    description = "Set an API's daily call budget for the whole group (-1: none), over the configuration's "
      + "budget.daily.<api>. Raising a spent budget resumes the held requests.")
  static final class SetBudget extends SetOne {
    @Parameters(index = "0", paramLabel = "CALLS", description = "Calls a day, from 0; -1: no budget.")
    long calls;

    @Override
    ControlKey.Setting setting() {
      return ControlKey.Setting.DAILY_BUDGET;
    }

    @Override
    long value() {
      return calls;
    }
  }

  @Command(name = "clear", mixinStandardHelpOptions = true,
    description = "Remove a setting from the control topic: the configuration's value applies again.")
  static final class Clear implements Callable<Integer> {
    @Mixin
    Target target;

    @Option(names = "--setting", required = true, paramLabel = "S", description = "paused, qps or budget.daily.")
    String setting;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
      ControlKey key = ControlKey.parse(setting + "." + Api.parse(target.api).id()).orElseThrow(() ->
        new CommandLine.ParameterException(spec.commandLine(), "--setting must be paused, qps or budget.daily, was "
          + setting));
      return write(target.config.loadAndReach(), key, null, spec.commandLine().getOut());
    }
  }

  @Command(name = "show", mixinStandardHelpOptions = true,
    description = "Show the settings in force: the control topic's, else the configuration's.")
  static final class Show implements Callable<Integer> {
    @Mixin
    ConfigOption config;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() {
      IdvConfig settings = config.loadAndReach();
      String topic = ControlLog.topicName(settings.applicationId());
      ControlState state = ControlLog.read(settings.kafkaClientProperties(), topic, TIMEOUT);
      PrintWriter out = spec.commandLine().getOut();
      out.printf("%-22s %-8s %-28s %s%n", "API", "paused", "QPS limit", "daily budget");
      for (Api api : Api.values()) {
        out.printf("%-22s %-8s %-28s %s%n", api.action(), state.paused(api) ? "yes" : "no", state.qps(api).isPresent()
          ? state.qps(api).getAsLong() + " (control topic)" : settings.qps(api) + " (configuration)",
          state.dailyBudget(api).isPresent() ? state.dailyBudget(api).getAsLong() + " (control topic)"
            : settings.dailyBudget(api) + " (configuration)");
      }
      out.println("(from " + topic + ")");
      return 0;
    }
  }
}
