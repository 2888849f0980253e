package dev.idvstreams.config;

import java.io.IOException;
import java.io.Reader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.apache.kafka.common.config.ConfigException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Builds an {@link IdvConfig} from a properties file and the environment, the environment winning.
 *
 * <p>A declared key's variable is {@code IDV_} + the key in upper case with {@code .} and {@code -}
 * as {@code _} ({@code topic.requests}: {@code IDV_TOPIC_REQUESTS}). That mapping cannot be
 * reversed for pass-through keys, which are not declared, so {@code IDV_KAFKA_REST} maps to
 * {@code kafka.} + {@code REST} in lower case with {@code _} as {@code .}
 * ({@code IDV_KAFKA_SASL_JAAS_CONFIG}: {@code kafka.sasl.jaas.config}); Kafka's own keys contain
 * only dots, so this covers them. An empty variable counts as unset. Other {@code IDV_} variables
 * are ignored with a warning rather than refused, because Kubernetes adds {@code IDV_*_PORT}-style
 * variables for a Service whose name starts with {@code idv}.
 */
public final class ConfigLoader {

  static final String ENV_PREFIX = "IDV_";
  private static final String KAFKA_ENV_PREFIX = ENV_PREFIX + "KAFKA_";
  private static final Logger LOG = LoggerFactory.getLogger(ConfigLoader.class);

  /** Declared keys by their variable name. */
  private static final Map<String, String> KEYS_BY_VARIABLE = IdvConfig.configDef().names().stream()
      .collect(Collectors.toMap(ConfigLoader::environmentVariable, Function.identity()));

  private final Map<String, String> environment;

  /** @param environment the variables to read, {@link System#getenv()} outside tests */
  public ConfigLoader(Map<String, String> environment) {
    this.environment = Map.copyOf(environment);
  }

  /** A loader of this process's environment. */
  public static ConfigLoader fromSystemEnvironment() {
    return new ConfigLoader(System.getenv());
  }

  /** The environment variable that sets a declared {@code key}. */
  public static String environmentVariable(String key) {
    return ENV_PREFIX + key.toUpperCase(Locale.ROOT).replace('.', '_').replace('-', '_');
  }

  /**
   * Reads {@code propertiesFile} (UTF-8), applies the environment over it and validates the result.
   *
   * @throws ConfigException when the file cannot be read or the configuration is invalid
   */
  public IdvConfig load(Path propertiesFile) {
    Properties file = new Properties();
    try (Reader reader = Files.newBufferedReader(propertiesFile, StandardCharsets.UTF_8)) {
      file.load(reader);
    } catch (IOException e) {
      throw new ConfigException("Cannot read the configuration file " + propertiesFile + ": " + e);
    }
    Map<String, String> properties = new HashMap<>();
    file.stringPropertyNames().forEach(name -> properties.put(name, file.getProperty(name)));
    return load(properties);
  }

  /**
   * Applies the environment over {@code properties} (for example the defaults of the embedded demo)
   * and validates the result.
   *
   * @throws ConfigException when the configuration is invalid
   */
  public IdvConfig load(Map<String, String> properties) {
    Map<String, String> merged = new HashMap<>(properties);
    merged.putAll(environmentOverrides());
    return new IdvConfig(merged);
  }

  /** The keys and values the environment sets. */
  Map<String, String> environmentOverrides() {
    Map<String, String> overrides = new HashMap<>();
    TreeSet<String> ignored = new TreeSet<>();
    environment.forEach((variable, value) -> {
      if (!variable.startsWith(ENV_PREFIX) || value.isEmpty()) {
        return;
      }
      Optional<String> key = keyOf(variable);
      if (key.isPresent()) {
        overrides.put(key.get(), value);
      } else {
        ignored.add(variable);
      }
    });
    if (!ignored.isEmpty()) {
      LOG.warn("Ignoring environment variables that name no configuration key: {}", ignored);
    }
    return overrides;
  }

  private static Optional<String> keyOf(String variable) {
    String declared = KEYS_BY_VARIABLE.get(variable);
    if (declared != null) {
      return Optional.of(declared);
    }
    if (variable.startsWith(KAFKA_ENV_PREFIX) && variable.length() > KAFKA_ENV_PREFIX.length()) {
      String rest = variable.substring(KAFKA_ENV_PREFIX.length());
      return Optional.of(IdvConfig.KAFKA_PREFIX + rest.toLowerCase(Locale.ROOT).replace('_', '.'));
    }
    return Optional.empty();
  }
}
