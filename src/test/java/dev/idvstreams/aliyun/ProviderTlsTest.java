package dev.idvstreams.aliyun;

import static dev.idvstreams.simulator.SimulatorHarness.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.idvstreams.api.Api;
import dev.idvstreams.embedded.TestCertificates;
import dev.idvstreams.simulator.SimulatorHarness;
import dev.idvstreams.simulator.SimulatorOptions;
import dev.idvstreams.tls.TrustStore;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The provider over https: the simulator serves TLS with a certificate of a CA made here; the
 * client trusts it only when the CA is in its configured trust store. Without it, or with another
 * CA's store, the handshake fails and no call reaches the simulator.
 */
class ProviderTlsTest {

  @TempDir
  static Path dir;

  private static TestCertificates certificates;
  private static TestCertificates otherCa;
  private static SimulatorHarness sim;

  @BeforeAll
  static void start() {
    certificates = TestCertificates.create(dir.resolve("ca"), "store-pass");
    otherCa = TestCertificates.create(dir.resolve("other"), "store-pass");
    sim = new SimulatorHarness(SimulatorOptions.builder().tls(certificates.keyStore(), certificates.password()).build());
  }

  @AfterAll
  static void stop() {
    sim.close();
  }

  @Test
  void shouldCallOverHttpsWhenTheCertificateIsInTheConfiguredTrustStore() {
    assertThat(sim.endpoint()).startsWith("https://");
    IdVerificationClient client = sim.client(o -> o.trustStore(new TrustStore(certificates.trustStore(), "store-pass", "PKCS12")));
    try {
      long before = sim.simulator.stats().get(Api.CREDENTIAL_VERIFY_INTL).accepted();
      CredentialVerifyResponse response = await(client.credentialVerify(ClientAgainstSimulatorTest.credential(TestImages.url("plain"))));
      assertThat(response.result()).isEqualTo("0");
      assertThat(sim.simulator.stats().get(Api.CREDENTIAL_VERIFY_INTL).accepted()).isEqualTo(before + 1);
    } finally {
      client.close();
    }
  }

  @Test
  void shouldRefuseTheConnectionWithoutTheCertificateInTheTrustStore() {
    long before = sim.simulator.stats().get(Api.CREDENTIAL_VERIFY_INTL).accepted();
    List<IdVerificationClient> clients = List.of(
        sim.client(o -> o), // the JVM's default trust store: public CAs only
        sim.client(o -> o.trustStore(new TrustStore(otherCa.trustStore(), "store-pass", "PKCS12"))));
    try {
      for (IdVerificationClient client : clients) {
        ApiException failure = ClientAgainstSimulatorTest.failure(client.credentialVerify(
            ClientAgainstSimulatorTest.credential(TestImages.url("plain"))));
        assertThat(failure.code()).isEqualTo(ApiException.TLS_HANDSHAKE_FAILED);
        assertThat(failure.errorClass()).as("held, as an account error: no retry mends a trust store").isEqualTo(ErrorClass.ACCOUNT);
      }
      assertThat(sim.simulator.stats().get(Api.CREDENTIAL_VERIFY_INTL).accepted()).as("calls that reached the simulator")
          .isEqualTo(before);
    } finally {
      clients.forEach(IdVerificationClient::close);
    }
  }
}
