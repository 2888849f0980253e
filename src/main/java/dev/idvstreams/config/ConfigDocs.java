package dev.idvstreams.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.stream.Collectors;
import org.apache.kafka.common.config.ConfigDef;
import org.apache.kafka.common.config.ConfigDef.ConfigKey;

/**
 * Renders {@code docs/configuration.md} from {@link IdvConfig#configDef()}, so the documented keys,
 * defaults and valid values are the declared ones. A unit test fails when the committed file is out
 * of date.
 */
public final class ConfigDocs {

  /** Where the rendered page lives, relative to the repository root. */
  public static final Path DEFAULT_PATH = Path.of("docs", "configuration.md");

  private static final String PREAMBLE = """
      # Configuration

      <!-- Generated from IdvConfig by dev.idvstreams.config.ConfigDocs: do not edit by hand. -->

      `run --config FILE` reads a Java properties file (UTF-8); environment variables override it. \
      An invalid, missing or unknown key stops the start with a message that names it.

      ## Environment variables

      Every key below can be set by the variable in its "environment" column: `IDV_` and the key in \
      upper case, with `.` and `-` as `_`. An empty variable counts as unset. \
      `IDV_KAFKA_` variables set pass-through keys: `IDV_KAFKA_SECURITY_PROTOCOL` is \
      `kafka.security.protocol`, the rest of the name in lower case with `_` as `.`. Kafka's own keys \
      contain only dots, so every one of them can be set this way. \
      Other `IDV_` variables are ignored with a warning (Kubernetes adds variables such as \
      `IDV_KAFKA_PORT` for a Service named `idv-kafka`; avoid such names or set \
      `enableServiceLinks: false`).

      ## Kafka pass-through

      Any key that starts with `kafka.` goes to Kafka Streams and its clients with the prefix removed: \
      `kafka.security.protocol=SASL_SSL`, `kafka.sasl.mechanism`, `kafka.sasl.jaas.config`, \
      `kafka.ssl.truststore.location`, and Kafka Streams' own prefixes such as \
      `kafka.producer.compression.type`. Kafka Streams checks them at start. The keys of this table \
      are refused with the `kafka.` prefix (`kafka.application.id`): set them by their own name.

      ## Keys

      """;

  private ConfigDocs() {}

  /** Writes the page to the path given as the only argument, else to {@link #DEFAULT_PATH}. */
  public static void main(String[] args) throws IOException {
    write(args.length > 0 ? Path.of(args[0]) : DEFAULT_PATH);
  }

  /** Writes {@link #render()} to {@code file}, creating its directory. */
  public static void write(Path file) throws IOException {
    Path directory = file.toAbsolutePath().getParent();
    Files.createDirectories(directory);
    Files.writeString(file, render(), StandardCharsets.UTF_8);
  }

  /** The whole page: the rules above and one table row per key, in declaration order. */
  public static String render() {
    return PREAMBLE
        + "| key | environment | type | default | valid values | importance | description |\n"
        + "|---|---|---|---|---|---|---|\n"
        + IdvConfig.configDef().configKeys().values().stream()
            .map(ConfigDocs::row)
            .collect(Collectors.joining());
  }

  private static String row(ConfigKey key) {
    return "| " + String.join(" | ",
        code(key.name),
        code(ConfigLoader.environmentVariable(key.name)),
        key.type.name().toLowerCase(Locale.ROOT),
        defaultValue(key),
        key.validator == null ? "" : cell(key.validator.toString()),
        key.importance.name().toLowerCase(Locale.ROOT),
        cell(key.documentation)) + " |\n";
  }

  private static String defaultValue(ConfigKey key) {
    if (!key.hasDefault()) {
      return "**required**";
    }
    if (key.defaultValue == null) {
      return "";
    }
    return code(ConfigDef.convertToString(key.defaultValue, key.type));
  }

  private static String code(String text) {
    return "`" + cell(text) + "`";
  }

  /** Table cells may hold neither a pipe nor a line break. */
  private static String cell(String text) {
    return text.replace("|", "\\|").replace("\n", " ");
  }
}
