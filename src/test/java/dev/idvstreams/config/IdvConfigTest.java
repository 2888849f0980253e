package dev.idvstreams.config;

import dev.idvstreams.api.Api;
import dev.idvstreams.api.SignatureVersion;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.URI;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.common.config.ConfigException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

class IdvConfigTest {

  /** The required keys and nothing else. */
  static Map<String, Object> required() {
    Map<String, Object> properties = new HashMap<>();
    properties.put("bootstrap.servers", "broker-1:9092,broker-2:9092");
    properties.put("schema.registry.url", "mock://test");
    return properties;
  }

  static Map<String, Object> requiredAnd(String key, Object value) {
    Map<String, Object> properties = required();
    properties.put(key, value);
    return properties;
  }

  @Test
  void shouldApplyTheDocumentedDefaultsWhenOnlyRequiredKeysAreSet() {
    IdvConfig config = new IdvConfig(required());

    assertThat(config.applicationId()).isEqualTo("idv-streams");
    assertThat(config.kafkaStreamsProperties())
        .containsEntry("processing.guarantee", "exactly_once_v2")
        .containsEntry("num.stream.threads", 1)
        .doesNotContainKey("state.dir");
    assertThat(config.requestsTopic()).isEqualTo("idv.requests");
    assertThat(config.resultsTopic()).isEqualTo("idv.results");
    assertThat(config.deadLetterTopic()).isEqualTo("idv.dlq");
    assertThat(config.topicReplicationFactor()).isEmpty();
    assertThat(config.qps(Api.CREDENTIAL_VERIFY_INTL)).isEqualTo(10);
    assertThat(config.qps(Api.VERIFY_MATERIAL)).isEqualTo(10);
    assertThat(config.qps(Api.FACE_VERIFY)).isEqualTo(50);
    assertThat(config.signatureVersion(Api.CREDENTIAL_VERIFY_INTL)).isEqualTo(SignatureVersion.V3);
    assertThat(config.signatureVersion(Api.VERIFY_MATERIAL)).isEqualTo(SignatureVersion.V3);
    assertThat(config.signatureVersion(Api.FACE_VERIFY)).isEqualTo(SignatureVersion.V1);
    assertThat(config.staticAccessKey()).isEmpty();
    assertThat(config.dedupTtl()).isEqualTo(Duration.ofHours(24));
    assertThat(config.imageInlineMaxBytes()).isEqualTo(900 * 1024);
    assertThat(config.imageFetchAllowPrivateAddresses()).isFalse();
    assertThat(config.opsHttpHost()).isEqualTo("0.0.0.0");
    assertThat(config.opsHttpEnabled()).isTrue();
  }

  @Test
  void shouldGiveKafkaStreamsTheGroupProtocolButNotThePlainClients() {
    IdvConfig streams = new IdvConfig(requiredAnd("kafka.group.protocol", "streams"));

    assertThat(streams.streamsGroupProtocol()).isTrue();
    assertThat(streams.kafkaStreamsProperties()).containsEntry("group.protocol", "streams");
    assertThat(streams.kafkaClientProperties()).doesNotContainKey("group.protocol");
    assertThat(new IdvConfig(required()).streamsGroupProtocol()).isFalse();
    assertThat(new IdvConfig(requiredAnd("kafka.group.protocol", "classic")).streamsGroupProtocol()).isFalse();
  }

  @Test
  void shouldCallThePublicEndpointsOverHttpsByDefault() {
    IdvConfig config = new IdvConfig(required());

    assertThat(config.apiBaseUri(Api.CREDENTIAL_VERIFY_INTL))
        .isEqualTo(URI.create("https://cloudauth-intl.ap-southeast-1.aliyuncs.com"));
    assertThat(config.apiBaseUri(Api.VERIFY_MATERIAL)).isEqualTo(URI.create("https://cloudauth.aliyuncs.com"));
    assertThat(config.apiBaseUri(Api.FACE_VERIFY)).isEqualTo(URI.create("https://saf.ap-southeast-1.aliyuncs.com"));
  }

  @Test
  void shouldPointEveryApiAtTheEndpointOverride() {
    IdvConfig config = new IdvConfig(requiredAnd("aliyun.endpoint-override", "http://127.0.0.1:8089"));

    for (Api api : Api.values()) {
      assertThat(config.apiBaseUri(api)).isEqualTo(URI.create("http://127.0.0.1:8089"));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"http://10.0.0.7:8089", "http://idv-simulator.internal", "HTTP://203.0.113.9"})
  void shouldRefusePlainHttpToAHostOffThisMachineUnlessAllowed(String endpoint) {
    assertThatThrownBy(() -> new IdvConfig(requiredAnd("aliyun.endpoint-override", endpoint)))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("aliyun.endpoint-override")
        .hasMessageContaining("aliyun.endpoint.allow-plain-http");
    Map<String, Object> allowed = requiredAnd("aliyun.endpoint-override", endpoint);
    allowed.put("aliyun.endpoint.allow-plain-http", "true");
    assertThat(new IdvConfig(allowed).apiBaseUri(Api.FACE_VERIFY)).isEqualTo(URI.create(endpoint));
  }

  @ParameterizedTest
  @ValueSource(strings = {"http://127.0.0.1:8089", "http://localhost:8089", "http://[::1]:8089", "https://10.0.0.7"})
  void shouldAllowPlainHttpOnThisMachineAndHttpsAnywhere(String endpoint) {
    assertThat(new IdvConfig(requiredAnd("aliyun.endpoint-override", endpoint)).apiBaseUri(Api.FACE_VERIFY))
        .isEqualTo(URI.create(endpoint));
  }

  @Test
  void shouldRefuseCredentialsInTheRegistryUrlUnlessItIsTheirSourceWithoutQuotingThem() {
    assertThatThrownBy(() -> new IdvConfig(requiredAnd("schema.registry.url", "https://reader:s3cret@registry.internal")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("schema.registry.basic.auth.credentials.source")
        .hasMessageNotContaining("s3cret");
  }

  @ParameterizedTest
  @ValueSource(strings = {"aliyun.ssl.truststore.location", "schema.registry.ssl.truststore.location"})
  void shouldFailNamingATrustStoreThatCannotBeRead(String key) {
    assertThatThrownBy(() -> new IdvConfig(requiredAnd(key, "/nonexistent/truststore.p12")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(key)
        .hasMessageContaining("/nonexistent/truststore.p12");
  }

  @Test
  void shouldFailNamingAnEndpointOverrideWithoutAHost() {
    assertThatThrownBy(() -> new IdvConfig(requiredAnd("aliyun.endpoint-override", "http://my_sim:8089")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("aliyun.endpoint-override");
  }

  @Test
  void shouldTakeTheRegistryCredentialsOutOfTheUrlWhenItIsTheirSource() {
    Map<String, Object> properties = requiredAnd("schema.registry.url", "https://reader:p%40s+s@registry.internal/apis/ccompat/v7");
    properties.put("schema.registry.basic.auth.credentials.source", "URL");
    IdvConfig config = new IdvConfig(properties);
    assertThat(config.schemaRegistry().url()).isEqualTo("https://registry.internal/apis/ccompat/v7");
    assertThat(config.schemaRegistry().basicAuthUserInfo()).as("%40 decoded, + kept").isEqualTo("reader:p@s+s");
    assertThat(config.schemaRegistry().toString()).doesNotContain("p@s+s").doesNotContain("p%40s+s");

    properties.put("schema.registry.url", "https://registry.internal");
    assertThatThrownBy(() -> new IdvConfig(properties)).isInstanceOf(ConfigException.class)
        .hasMessageContaining("schema.registry.basic.auth.credentials.source");
  }

  @Test
  void shouldUseAConfiguredVpcEndpoint() {
    IdvConfig config = new IdvConfig(requiredAnd("aliyun.endpoint.verify-material", "cloudauth-vpc.cn-shanghai.aliyuncs.com"));

    assertThat(config.apiBaseUri(Api.VERIFY_MATERIAL))
        .isEqualTo(URI.create("https://cloudauth-vpc.cn-shanghai.aliyuncs.com"));
  }

  @ParameterizedTest
  @EnumSource(Api.class)
  void shouldDeclareEveryPerApiKey(Api api) {
    for (String prefix : new String[] {"aliyun.endpoint.", "aliyun.signature-version.", "qps."}) {
      assertThat(IdvConfig.configDef().names()).contains(IdvConfig.perApiKey(prefix, api));
    }
  }

  @ParameterizedTest
  @ValueSource(strings = {"bootstrap.servers", "schema.registry.url"})
  void shouldFailNamingARequiredKeyThatIsMissing(String key) {
    Map<String, Object> properties = required();
    properties.remove(key);

    assertThatThrownBy(() -> new IdvConfig(properties))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(key);
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "bootstrap.servers                    | ''",
      "application.id                       | idv streams",
      "processing.guarantee                 | exactly_once",
      "num.stream.threads                   | 0",
      "schema.registry.url                  | ftp://registry:8081",
      "schema.registry.url                  | registry:8081",
      "topic.requests                       | requests/with/slashes",
      "topic.partitions                     | 0",
      "topic.replication.factor             | 0",
      "aliyun.endpoint.face-verify          | https://saf.ap-southeast-1.aliyuncs.com",
      "aliyun.endpoint-override             | 127.0.0.1:8089",
      "aliyun.signature-version.face-verify | V2",
      "aliyun.request-timeout.ms            | 0",
      "qps.face-verify                      | 0",
      "qps.verify-material                  | ten",
      "in-flight.max                        | 0",
      "in-flight.headroom                   | 0.5",
      "retry.max-attempts                   | 0",
      "dedup.ttl.ms                         | -1",
      "image.fetch.max-redirects            | -1",
      "image.fetch.allow-private-addresses  | maybe",
      "http.port                            | 70000",
      "http.port                            | -2",
      "budget.daily.face-verify             | -2",
      "budget.time-zone                     | Mars/Olympus_Mons",
      "aliyun.ssl.truststore.type           | PEM-ish",
      "schema.registry.ssl.truststore.type  | PEM-ish",
      "schema.registry.basic.auth.credentials.source | SASL_INHERIT",
  })
  void shouldFailNamingTheKeyOfAnInvalidValue(String key, String value) {
    assertThatThrownBy(() -> new IdvConfig(requiredAnd(key, value)))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(key);
  }

  @Test
  void shouldRejectAnUnknownKeySoThatATypoIsNotSilentlyIgnored() {
    assertThatThrownBy(() -> new IdvConfig(requiredAnd("topic.request", "orders")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("topic.request");
  }

  @Test
  void shouldRejectAKafkaPrefixedCopyOfADeclaredKey() {
    assertThatThrownBy(() -> new IdvConfig(requiredAnd("kafka.application.id", "other")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("kafka.application.id")
        .hasMessageContaining("set \"application.id\"");
  }

  @Test
  void shouldRejectAMaximumBackoffBelowTheInitialOne() {
    Map<String, Object> properties = requiredAnd("retry.backoff.initial.ms", "5000");
    properties.put("retry.backoff.max.ms", "1000");

    assertThatThrownBy(() -> new IdvConfig(properties))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("retry.backoff.max.ms");
  }

  @Test
  void shouldRejectAMaximumProbeIntervalBelowTheInitialOne() {
    Map<String, Object> properties = requiredAnd("breaker.probe-interval.ms", "5000");
    properties.put("breaker.probe-interval.max.ms", "1000");

    assertThatThrownBy(() -> new IdvConfig(properties))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("breaker.probe-interval.max.ms");
  }

  @Test
  void shouldRequireTheAccessKeySecretWithTheAccessKeyId() {
    assertThatThrownBy(() -> new IdvConfig(requiredAnd("aliyun.access-key-id", "LTAI-test-id")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("aliyun.access-key-secret");
  }

  @Test
  void shouldKeepTheAccessKeySecretOutOfEveryString() {
    Map<String, Object> properties = requiredAnd("aliyun.access-key-id", "LTAI-test-id");
    properties.put("aliyun.access-key-secret", "s3cr3t-value");
    IdvConfig config = new IdvConfig(properties);

    IdvConfig.AccessKey key = config.staticAccessKey().orElseThrow();
    assertThat(key.id().value()).isEqualTo("LTAI-test-id");
    assertThat(key.secret().value()).isEqualTo("s3cr3t-value");
    assertThat(key.toString()).doesNotContain("s3cr3t-value").doesNotContain("LTAI-test-id");
    assertThat(config.values().toString()).doesNotContain("s3cr3t-value");
  }

  @Test
  void shouldPassKafkaPrefixedKeysToKafkaStreamsWithoutThePrefix() {
    Map<String, Object> properties = required();
    properties.put("kafka.security.protocol", "SASL_SSL");
    properties.put("kafka.sasl.mechanism", "SCRAM-SHA-512");
    properties.put("kafka.sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required;");
    properties.put("kafka.ssl.truststore.location", "/etc/kafka/truststore.jks");
    properties.put("kafka.producer.compression.type", "zstd");
    properties.put("application.id", "idv-eu");
    properties.put("state.dir", "/var/lib/idv-streams");

    Map<String, Object> streams = new IdvConfig(properties).kafkaStreamsProperties();

    assertThat(streams)
        .containsEntry("bootstrap.servers", "broker-1:9092,broker-2:9092")
        .containsEntry("application.id", "idv-eu")
        .containsEntry("state.dir", "/var/lib/idv-streams")
        .containsEntry("security.protocol", "SASL_SSL")
        .containsEntry("sasl.mechanism", "SCRAM-SHA-512")
        .containsEntry("sasl.jaas.config", "org.apache.kafka.common.security.scram.ScramLoginModule required;")
        .containsEntry("ssl.truststore.location", "/etc/kafka/truststore.jks")
        .containsEntry("producer.compression.type", "zstd");
    assertThat(streams.keySet()).noneMatch(key -> key.startsWith("kafka."));
  }

  @Test
  void shouldGiveKafkaClientsOnlyBootstrapServersAndPassThroughKeys() {
    Map<String, Object> clients = new IdvConfig(requiredAnd("kafka.security.protocol", "SSL")).kafkaClientProperties();

    assertThat(clients).containsOnlyKeys("bootstrap.servers", "security.protocol");
  }

  @Test
  void shouldSelectAtLeastOnce() {
    IdvConfig config = new IdvConfig(requiredAnd("processing.guarantee", "at_least_once"));

    assertThat(config.kafkaStreamsProperties()).containsEntry("processing.guarantee", "at_least_once");
  }

  @Test
  void shouldFailAtStartForAnInvalidPassThroughValue() {
    assertThatThrownBy(() -> new IdvConfig(requiredAnd("kafka.security.protocol", "NOPE")))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("security.protocol")
        .hasMessageContaining("\"kafka.\" prefix");
  }

  @Test
  void shouldAcceptSignatureVersionsInAnyCase() {
    IdvConfig config = new IdvConfig(requiredAnd("aliyun.signature-version.credential-verify-intl", "v1"));

    assertThat(config.signatureVersion(Api.CREDENTIAL_VERIFY_INTL)).isEqualTo(SignatureVersion.V1);
  }

  @Test
  void shouldGiveAnExplicitReplicationFactor() {
    assertThat(new IdvConfig(requiredAnd("topic.replication.factor", "3")).topicReplicationFactor()).contains((short) 3);
  }

  @Test
  void shouldTurnTheOpsServerOffWithPortMinusOne() {
    assertThat(new IdvConfig(requiredAnd("http.port", "-1")).opsHttpEnabled()).isFalse();
  }

  @Test
  void shouldAcceptHttpsAndPlainRegistryUrls() {
    assertThat(new IdvConfig(requiredAnd("schema.registry.url", "https://registry.example:8081/apis/ccompat/v7"))
        .schemaRegistry().url()).isEqualTo("https://registry.example:8081/apis/ccompat/v7");
  }

  @Test
  void shouldDeclareNoKeyWithThePassThroughPrefix() {
    assertThat(IdvConfig.configDef().names()).noneMatch(key -> key.startsWith(IdvConfig.KAFKA_PREFIX));
  }
}
