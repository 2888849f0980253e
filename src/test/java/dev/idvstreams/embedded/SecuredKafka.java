package dev.idvstreams.embedded;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * One secured embedded broker for the integration tests of a JVM (started on first use, stopped at
 * exit), as a bank's cluster is set up: a SASL_SSL listener on 127.0.0.1 with a certificate from
 * a CA made at test time, SCRAM-SHA-512 users created at format time, Kafka's
 * {@code StandardAuthorizer}, so every user but the super user {@code admin} needs ACLs, and
 * connections that authenticate again every 5 s.
 */
public final class SecuredKafka {

  public static final String ADMIN = "admin";
  public static final String PROCESSOR = "idv";
  /** A user whose password a test changes. */
  public static final String ROTATING = "idv-rotating";
  private static final String STORE_PASSWORD = "test-store-pass";
  private static final Map<String, String> USERS = Map.of(ADMIN, "admin-pass-7Yq", PROCESSOR, "idv-pass-3Kd",
      ROTATING, "rotating-pass-1");
  private static SecuredKafka shared;

  private final EmbeddedKafkaBroker broker;
  private final TestCertificates certificates;
  private final TestCertificates otherCa;

  private SecuredKafka(EmbeddedKafkaBroker broker, TestCertificates certificates, TestCertificates otherCa) {
    this.broker = broker;
    this.certificates = certificates;
    this.otherCa = otherCa;
  }

  public static synchronized SecuredKafka shared() {
    if (shared == null) {
      try {
        Path dir = Files.createTempDirectory("idv-secured-kafka-");
        TestCertificates certificates = TestCertificates.create(dir.resolve("ca"), STORE_PASSWORD);
        TestCertificates otherCa = TestCertificates.create(dir.resolve("other-ca"), STORE_PASSWORD);
        EmbeddedKafkaBroker broker = EmbeddedKafkaBroker.startSecured(new EmbeddedKafkaBroker.Security(
            certificates.keyStore(), certificates.trustStore(), STORE_PASSWORD, ADMIN, USERS, true));
        shared = new SecuredKafka(broker, certificates, otherCa);
        Runtime.getRuntime().addShutdownHook(new Thread(broker::close, "secured-kafka-stop"));
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    return shared;
  }

  /** The broker as {@code user} reaches it, with the password the broker knows and the CA's trust store. */
  public KafkaBootstrap as(String user) {
    return as(user, USERS.get(user), certificates.trustStore());
  }

  /** The broker as {@code user} with {@code password} and {@code trustStore}: the ones a wrong configuration has. */
  public KafkaBootstrap as(String user, String password, Path trustStore) {
    return new KafkaBootstrap(broker.bootstrapServers(), "embedded, SASL_SSL", Map.of(
        "security.protocol", "SASL_SSL",
        "sasl.mechanism", "SCRAM-SHA-512",
        "sasl.jaas.config", EmbeddedKafkaBroker.scramLogin(user, password),
        "ssl.truststore.location", trustStore.toString(),
        "ssl.truststore.password", STORE_PASSWORD,
        "ssl.truststore.type", "PKCS12"));
  }

  /** Grants {@code bindings} (as the super user), and waits until the broker lists them. */
  public void grant(java.util.List<org.apache.kafka.common.acl.AclBinding> bindings) throws Exception {
    try (org.apache.kafka.clients.admin.Admin admin = org.apache.kafka.clients.admin.Admin.create(as(ADMIN).clientProperties())) {
      admin.createAcls(bindings).all().get(30, java.util.concurrent.TimeUnit.SECONDS);
      org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(30)).until(() ->
          admin.describeAcls(org.apache.kafka.common.acl.AclBindingFilter.ANY).values()
              .get(30, java.util.concurrent.TimeUnit.SECONDS).containsAll(bindings));
    }
  }

  /** The password the broker knows for {@code user}. */
  public String password(String user) {
    return USERS.get(user);
  }

  /** A trust store of another CA, which does not trust this broker's certificate. */
  public Path untrustedStore() {
    return otherCa.trustStore();
  }

  /** The trust store that trusts this broker (and the simulator, when it serves the same certificate). */
  public TestCertificates certificates() {
    return certificates;
  }
}
