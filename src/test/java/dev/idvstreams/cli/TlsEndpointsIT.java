package dev.idvstreams.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.idvstreams.api.Api;
import dev.idvstreams.config.IdvConfig;
import dev.idvstreams.demo.DemoBatch;
import dev.idvstreams.embedded.SecuredKafka;
import dev.idvstreams.embedded.TestCertificates;
import dev.idvstreams.kafka.AclPlan;
import dev.idvstreams.runtime.ProcessorRuntime;
import dev.idvstreams.serde.ApicurioRegistry;
import dev.idvstreams.serde.BasicAuthTlsProxy;
import dev.idvstreams.serde.RegistryUnavailableException;
import dev.idvstreams.simulator.SimulatorOptions;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The registry and the provider over https, beside Kafka over SASL_SSL (the broker of
 * {@link SecuredKafka}, shared with {@link SecureKafkaIT}): a real Apicurio Registry behind a proxy
 * that requires TLS and basic authentication ({@link BasicAuthTlsProxy}), the simulator serving
 * TLS, each certificate from a CA made at test time and trusted through the processor's own trust
 * store settings. A wrong registry password and an untrusted registry certificate stop the start
 * with the cause named.
 */
class TlsEndpointsIT {

  private static final String REGISTRY_USER = "registry-reader";
  private static final String REGISTRY_PASSWORD = "registry-pass-5Tx";

  @Test
  void shouldVerifyThroughAnHttpsRegistryWithBasicAuthAndAnHttpsProvider() throws Exception {
    SecuredKafka kafka = SecuredKafka.shared();
    TestCertificates certificates = kafka.certificates();
    try (ApicurioRegistry registry = ApicurioRegistry.shared();
        BasicAuthTlsProxy secured = new BasicAuthTlsProxy(certificates.keyStore(), certificates.password(), REGISTRY_USER,
            REGISTRY_PASSWORD, registry.port());
        PipelineHarness it = new PipelineHarness(kafka.as(SecuredKafka.ADMIN),
            SimulatorOptions.builder().tls(certificates.keyStore(), certificates.password()), registry.ccompatUrl(),
            secureEndpoints(kafka, secured, REGISTRY_PASSWORD))) {
      SecureKafkaIT.grant(AclPlan.processor(it.prefix, it.requestsTopic, it.resultsTopic, it.dlqTopic, true));
      assertThat(it.config().get("aliyun.endpoint-override")).startsWith("https://127.0.0.1:");
      it.startProcessor();
      it.sendRequests(List.of(DemoBatch.credential("tls-c-1", "clean"), DemoBatch.material("tls-m-1", "sim-status-1"),
          DemoBatch.face("tls-f-1", "ok")));

      PipelineHarness.Events events = it.awaitEvents(3, Duration.ofSeconds(90));
      events.assertEachEndedOnce(3);
      long calls = 0;
      for (Api api : Api.values()) {
        calls += it.simulator.stats().get(api).accepted();
      }
      assertThat(calls).as("calls that reached the simulator over https").isEqualTo(3);
      assertThat(secured.authenticated()).as("registry requests with the right credentials").isPositive();
      assertThat(secured.refused()).isZero();
    }
  }

  @Test
  void shouldFailAtStartNamingARefusedRegistryPasswordOrAnUntrustedRegistryCertificate() throws Exception {
    SecuredKafka kafka = SecuredKafka.shared();
    TestCertificates certificates = kafka.certificates();
    try (ApicurioRegistry registry = ApicurioRegistry.shared();
        BasicAuthTlsProxy secured = new BasicAuthTlsProxy(certificates.keyStore(), certificates.password(), REGISTRY_USER,
            REGISTRY_PASSWORD, registry.port());
        PipelineHarness it = new PipelineHarness(kafka.as(SecuredKafka.ADMIN), SimulatorOptions.builder(),
            registry.ccompatUrl(), secureEndpoints(kafka, secured, "not-the-password"))) {
      IdvConfig wrongPassword = new IdvConfig(it.config());
      assertThatThrownBy(() -> ProcessorRuntime.start(wrongPassword).close())
          .isInstanceOf(RegistryUnavailableException.class)
          .hasMessageContaining("refused the credentials (HTTP 401)")
          .hasMessageContaining("schema.registry.basic.auth.user.info");

      Map<String, String> untrusted = new HashMap<>(it.config());
      untrusted.put("schema.registry.basic.auth.user.info", REGISTRY_USER + ":" + REGISTRY_PASSWORD);
      untrusted.put("schema.registry.ssl.truststore.location", kafka.untrustedStore().toString());
      assertThatThrownBy(() -> ProcessorRuntime.start(new IdvConfig(untrusted)).close())
          .isInstanceOf(RegistryUnavailableException.class)
          .hasMessageContaining("TLS handshake")
          .hasMessageContaining("schema.registry.ssl.truststore.location");
      assertThat(secured.authenticated()).as("nothing passed with a wrong password or an untrusted certificate").isZero();

      // Confluent's other convention: the credentials in the URL, kept out of it from then on
      Map<String, String> inUrl = new HashMap<>(it.config());
      inUrl.remove("schema.registry.basic.auth.user.info");
      inUrl.put("schema.registry.basic.auth.credentials.source", "URL");
      inUrl.put("schema.registry.url", "https://" + REGISTRY_USER + ":" + REGISTRY_PASSWORD + "@127.0.0.1:" + secured.port()
          + "/apis/ccompat/v7");
      IdvConfig urlCredentials = new IdvConfig(inUrl);
      assertThat(urlCredentials.schemaRegistry().url()).doesNotContain(REGISTRY_PASSWORD);
      urlCredentials.schemaRegistry().client().check();
      assertThat(secured.authenticated()).isEqualTo(1);
    }
  }

  /** The processor's principal on the secured broker, the registry behind {@code secured}, both trust stores. */
  private static Map<String, String> secureEndpoints(SecuredKafka kafka, BasicAuthTlsProxy secured, String registryPassword) {
    Map<String, String> config = new HashMap<>(kafka.as(SecuredKafka.PROCESSOR).idvConfig());
    String trustStore = kafka.certificates().trustStore().toString();
    config.put("schema.registry.url", "https://127.0.0.1:" + secured.port() + "/apis/ccompat/v7");
    config.put("schema.registry.basic.auth.user.info", REGISTRY_USER + ":" + registryPassword);
    config.put("schema.registry.ssl.truststore.location", trustStore);
    config.put("schema.registry.ssl.truststore.password", kafka.certificates().password());
    config.put("aliyun.ssl.truststore.location", trustStore);
    config.put("aliyun.ssl.truststore.password", kafka.certificates().password());
    return config;
  }
}
