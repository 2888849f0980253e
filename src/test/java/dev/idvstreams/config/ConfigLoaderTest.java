package dev.idvstreams.config;

import dev.idvstreams.api.Api;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

  @TempDir Path directory;

  private Path file(String content) throws IOException {
    Path file = directory.resolve("idv-streams.properties");
    Files.writeString(file, content, StandardCharsets.UTF_8);
    return file;
  }

  private static final String REQUIRED = """
      bootstrap.servers=broker:9092
      schema.registry.url=mock://test
      """;

  @Test
  void shouldReadThePropertiesFile() throws IOException {
    IdvConfig config = new ConfigLoader(Map.of()).load(file(REQUIRED + "topic.requests=onboarding.requests\n"));

    assertThat(config.requestsTopic()).isEqualTo("onboarding.requests");
  }

  @Test
  void shouldLetTheEnvironmentOverrideTheFile() throws IOException {
    ConfigLoader loader = new ConfigLoader(Map.of("IDV_TOPIC_REQUESTS", "from.environment"));

    IdvConfig config = loader.load(file(REQUIRED + "topic.requests=from.file\n"));

    assertThat(config.requestsTopic()).isEqualTo("from.environment");
  }

  @Test
  void shouldMapDashesAndDotsOfDeclaredKeysToUnderscores() {
    ConfigLoader loader = new ConfigLoader(Map.of(
        "IDV_BOOTSTRAP_SERVERS", "broker:9092",
        "IDV_SCHEMA_REGISTRY_URL", "mock://test",
        "IDV_QPS_FACE_VERIFY", "20",
        "IDV_ALIYUN_ENDPOINT_OVERRIDE", "http://127.0.0.1:8089",
        "IDV_IMAGE_FETCH_ALLOW_PRIVATE_ADDRESSES", "true"));

    IdvConfig config = loader.load(Map.of());

    assertThat(config.qps(Api.FACE_VERIFY)).isEqualTo(20);
    assertThat(config.apiBaseUri(Api.FACE_VERIFY)).hasToString("http://127.0.0.1:8089");
    assertThat(config.imageFetchAllowPrivateAddresses()).isTrue();
  }

  @Test
  void shouldMapIdvKafkaVariablesToPassThroughKeys() {
    ConfigLoader loader = new ConfigLoader(Map.of(
        "IDV_KAFKA_SECURITY_PROTOCOL", "SASL_SSL",
        "IDV_KAFKA_SASL_JAAS_CONFIG", "org.apache.kafka.common.security.plain.PlainLoginModule required;"));

    assertThat(loader.environmentOverrides())
        .containsEntry("kafka.security.protocol", "SASL_SSL")
        .containsEntry("kafka.sasl.jaas.config", "org.apache.kafka.common.security.plain.PlainLoginModule required;");
    assertThat(loader.load(Map.of("bootstrap.servers", "broker:9092", "schema.registry.url", "mock://test"))
        .kafkaStreamsProperties())
        .containsEntry("security.protocol", "SASL_SSL");
  }

  @Test
  void shouldIgnoreVariablesThatNameNoKey() {
    ConfigLoader loader = new ConfigLoader(Map.of(
        "PATH", "/usr/bin",
        "IDV_SERVICE_PORT", "tcp://10.0.0.1:8080",
        "IDV_KAFKA_", "nothing after the prefix",
        "IDV_TOPIC_RESULTS", "results"));

    assertThat(loader.environmentOverrides()).containsOnly(Map.entry("topic.results", "results"));
  }

  @Test
  void shouldTreatAnEmptyVariableAsUnset() throws IOException {
    ConfigLoader loader = new ConfigLoader(Map.of("IDV_TOPIC_REQUESTS", ""));

    assertThat(loader.load(file(REQUIRED + "topic.requests=from.file\n")).requestsTopic()).isEqualTo("from.file");
  }

  @Test
  void shouldFailNamingTheKeyOfAnInvalidVariable() {
    ConfigLoader loader = new ConfigLoader(Map.of("IDV_HTTP_PORT", "eighty"));

    assertThatThrownBy(() -> loader.load(Map.of("bootstrap.servers", "broker:9092", "schema.registry.url", "mock://t")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("http.port");
  }

  @Test
  void shouldFailNamingAFileThatCannotBeRead() {
    Path missing = directory.resolve("missing.properties");

    assertThatThrownBy(() -> new ConfigLoader(Map.of()).load(missing))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(missing.toString());
  }

  @Test
  void shouldReadTheFileAsUtf8() throws IOException {
    IdvConfig config = new ConfigLoader(Map.of()).load(file(REQUIRED + "state.dir=/var/lib/idv-流\n"));

    assertThat(config.kafkaStreamsProperties()).containsEntry("state.dir", "/var/lib/idv-流");
  }

  @Test
  void shouldGiveEveryDeclaredKeyItsOwnVariable() {
    Set<String> keys = IdvConfig.configDef().names();

    Set<String> variables = keys.stream().map(ConfigLoader::environmentVariable).collect(Collectors.toSet());

    assertThat(variables).hasSameSizeAs(keys).noneMatch(variable -> variable.startsWith("IDV_KAFKA_"));
    assertThat(ConfigLoader.environmentVariable("aliyun.endpoint.credential-verify-intl"))
        .isEqualTo("IDV_ALIYUN_ENDPOINT_CREDENTIAL_VERIFY_INTL");
  }
}
