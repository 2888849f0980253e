package dev.idvstreams.embedded;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.Properties;
import java.util.stream.Stream;
import kafka.server.KafkaConfig;
import kafka.server.KafkaRaftServer;
import kafka.tools.StorageTool;
import org.apache.kafka.common.Uuid;
import org.apache.kafka.common.utils.Time;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A real single-node KRaft broker (combined broker and controller) in this JVM, bound to 127.0.0.1
 * only. Formatted the way an operator formats a new broker ({@code kafka-storage format
 * --standalone}), then started as {@link KafkaRaftServer}, so it behaves like the broker of a
 * production cluster, transactions included.
 *
 * <p>By default its client listener is PLAINTEXT. {@link #startSecured} gives it a SASL_SSL
 * listener instead, as a bank's cluster has: TLS with the key store given, SCRAM-SHA-512 users
 * created at format time (as {@code kafka-storage format --add-scram} creates them), and
 * optionally Kafka's {@code StandardAuthorizer}, so that a client needs ACLs. The controller
 * listener stays PLAINTEXT on 127.0.0.1; its anonymous principal is a super user, as KRaft requires
 * of the controller's, and nothing but this broker speaks to it.
 */
public final class EmbeddedKafkaBroker implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(EmbeddedKafkaBroker.class);

  private final Path dataDir;
  private final boolean deleteDataDirOnClose;
  private final int port;
  private final KafkaRaftServer server;
  private boolean closed;

  /**
   * A SASL_SSL client listener.
   *
   * @param keyStore the broker's PKCS12 key store (its key and certificate for 127.0.0.1)
   * @param trustStore a PKCS12 trust store that trusts that certificate: the broker is its own client
   *     for transaction markers
   * @param storePassword the password of both stores and of the key
   * @param superUser the broker's own SCRAM user, a super user (the name, without {@code User:})
   * @param users every SCRAM-SHA-512 user and password, the super user's included
   * @param authorizer whether ACLs are enforced ({@code StandardAuthorizer}); without, any
   *     authenticated user may do anything
   */
  public record Security(Path keyStore, Path trustStore, String storePassword, String superUser, Map<String, String> users,
      boolean authorizer) {

    public Security {
      users = Map.copyOf(users);
      if (!users.containsKey(superUser)) {
        throw new IllegalArgumentException("the super user " + superUser + " needs a password among the users");
      }
    }

    @Override
    public String toString() {
      return "Security[keyStore=" + keyStore + ", users=" + users.keySet() + ", authorizer=" + authorizer + "]";
    }
  }

  private EmbeddedKafkaBroker(Path dataDir, boolean deleteDataDirOnClose, int port, KafkaRaftServer server) {
    this.dataDir = dataDir;
    this.deleteDataDirOnClose = deleteDataDirOnClose;
    this.port = port;
    this.server = server;
  }

  /** A broker on a free port with a temporary data directory, deleted on close. */
  public static EmbeddedKafkaBroker startTemporary() {
    try {
      return start(Files.createTempDirectory("idv-kafka-"), 0, true);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Formats {@code dataDir} if it is new (an existing broker's data is kept) and starts the broker.
   *
   * @param port the client port on 127.0.0.1, 0 for a free one
   */
  public static EmbeddedKafkaBroker start(Path dataDir, int port, boolean deleteDataDirOnClose) {
    return start(dataDir, port, deleteDataDirOnClose, Optional.empty());
  }

  /** A broker on a free port with a temporary data directory, its client listener SASL_SSL as {@code security} says. */
  public static EmbeddedKafkaBroker startSecured(Security security) {
    try {
      return start(Files.createTempDirectory("idv-kafka-secured-"), 0, true, Optional.of(security));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static EmbeddedKafkaBroker start(Path dataDir, int port, boolean deleteDataDirOnClose, Optional<Security> security) {
    int brokerPort = port == 0 ? FreePort.pick() : port;
    // the quorum's voter keeps its endpoint in the formatted log: a restart must reuse it
    int controllerPort = formerControllerPort(dataDir).orElseGet(FreePort::pick);
    Properties props = brokerProperties(dataDir, brokerPort, controllerPort);
    security.ifPresent(secured -> secure(props, brokerPort, controllerPort, secured));
    format(dataDir, props, security.map(Security::users).orElse(Map.of()));
    KafkaRaftServer server = new KafkaRaftServer(new KafkaConfig(props, false), Time.SYSTEM);
    server.startup();
    LOG.info("Embedded Kafka broker listening on {}://127.0.0.1:{} (data in {})",
        security.isPresent() ? "SASL_SSL" : "PLAINTEXT", brokerPort, dataDir);
    return new EmbeddedKafkaBroker(dataDir, deleteDataDirOnClose, brokerPort, server);
  }

  public String bootstrapServers() {
    return "127.0.0.1:" + port;
  }

  public int port() {
    return port;
  }

  @Override
  public synchronized void close() {
    if (closed) {
      return;
    }
    closed = true;
    server.shutdown();
    server.awaitShutdown();
    if (deleteDataDirOnClose) {
      deleteRecursively(dataDir);
    }
    LOG.info("Embedded Kafka broker on 127.0.0.1:{} stopped", port);
  }

  private static Properties brokerProperties(Path dataDir, int brokerPort, int controllerPort) {
    Properties p = new Properties();
    p.put("process.roles", "broker,controller");
    p.put("node.id", "1");
    p.put("listeners", "PLAINTEXT://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
    p.put("advertised.listeners", "PLAINTEXT://127.0.0.1:" + brokerPort);
    p.put("controller.listener.names", "CONTROLLER");
    p.put("listener.security.protocol.map", "PLAINTEXT:PLAINTEXT,CONTROLLER:PLAINTEXT");
    p.put("inter.broker.listener.name", "PLAINTEXT");
    p.put("controller.quorum.bootstrap.servers", "127.0.0.1:" + controllerPort);
    p.put("log.dirs", dataDir.resolve("logs").toString());
    // one node: every internal topic has one replica
    p.put("offsets.topic.replication.factor", "1");
    p.put("offsets.topic.num.partitions", "5");
    p.put("transaction.state.log.replication.factor", "1");
    p.put("transaction.state.log.min.isr", "1");
    p.put("transaction.state.log.num.partitions", "5");
    // A member SIGKILLed mid-transaction leaves it open, and the partitions it wrote (the store's
    // changelog, the repartition topic) unreadable under read_committed, until the coordinator
    // aborts it: transaction.timeout.ms (10 s), then the coordinator's next scan for timed-out
    // transactions, every 10 s by default. A member restarted elsewhere (another transactional.id)
    // waited 17 s to restore in the rolling benchmark; a scan every second makes that 10-11 s.
    // A real cluster's value is its operator's (docs/deployment.md)
    p.put("transaction.abort.timed.out.transaction.cleanup.interval.ms", "1000");
    p.put("share.coordinator.state.topic.replication.factor", "1");
    p.put("share.coordinator.state.topic.min.isr", "1");
    p.put("group.initial.rebalance.delay.ms", "0");
    // Under group.protocol=streams the broker, not the member, sets the session and heartbeat
    // (45 s and 5 s by default): the processor's own classic values (10 s, 1 s), so the two
    // protocols compare like for like here. A real cluster's values are its operator's.
    p.put("group.streams.min.session.timeout.ms", "6000");
    p.put("group.streams.session.timeout.ms", "10000");
    p.put("group.streams.min.heartbeat.interval.ms", "1000");
    p.put("group.streams.heartbeat.interval.ms", "1000");
    p.put("group.streams.initial.rebalance.delay.ms", "0");
    p.put("num.partitions", "1");
    p.put("auto.create.topics.enable", "true");
    return p;
  }

  /** Replaces the PLAINTEXT client listener by a SASL_SSL one (TLS, SCRAM-SHA-512), the authorizer on if asked. */
  private static void secure(Properties p, int brokerPort, int controllerPort, Security security) {
    p.put("listeners", "SASL_SSL://127.0.0.1:" + brokerPort + ",CONTROLLER://127.0.0.1:" + controllerPort);
    p.put("advertised.listeners", "SASL_SSL://127.0.0.1:" + brokerPort);
    p.put("listener.security.protocol.map", "SASL_SSL:SASL_SSL,CONTROLLER:PLAINTEXT");
    p.put("inter.broker.listener.name", "SASL_SSL");
    p.put("sasl.enabled.mechanisms", "SCRAM-SHA-512");
    p.put("sasl.mechanism.inter.broker.protocol", "SCRAM-SHA-512");
    p.put("listener.name.sasl_ssl.scram-sha-512.sasl.jaas.config", scramLogin(security.superUser(),
        security.users().get(security.superUser())));
    p.put("ssl.keystore.type", "PKCS12");
    p.put("ssl.keystore.location", security.keyStore().toString());
    p.put("ssl.keystore.password", security.storePassword());
    p.put("ssl.key.password", security.storePassword());
    p.put("ssl.truststore.type", "PKCS12");
    p.put("ssl.truststore.location", security.trustStore().toString());
    p.put("ssl.truststore.password", security.storePassword());
    // connections authenticate again every 5 s, as a broker that rotates passwords requires: a client
    // whose password changed keeps working only if it asks for the password again (ScramCredentialsFile)
    p.put("connections.max.reauth.ms", "5000");
    if (security.authorizer()) {
      p.put("authorizer.class.name", "org.apache.kafka.metadata.authorizer.StandardAuthorizer");
      p.put("super.users", "User:" + security.superUser() + ";User:ANONYMOUS");
    }
  }

  /**
   * The JAAS line of a SCRAM client, as {@code sasl.jaas.config} takes it. Neither is escaped: a
   * user or password with {@code "} or {@code \} does not fit (the test users have none).
   */
  public static String scramLogin(String user, String password) {
    return "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + user
        + "\" password=\"" + password + "\";";
  }

  /** The controller port of a broker that ran on {@code dataDir} before, from the configuration it left there. */
  private static OptionalInt formerControllerPort(Path dataDir) {
    Path config = dataDir.resolve("server.properties");
    if (!Files.isRegularFile(config)) {
      return OptionalInt.empty();
    }
    Properties former = new Properties();
    try (InputStream in = Files.newInputStream(config)) {
      former.load(in);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read " + config, e);
    }
    String quorum = former.getProperty("controller.quorum.bootstrap.servers", "");
    int colon = quorum.lastIndexOf(':');
    return colon < 0 ? OptionalInt.empty() : OptionalInt.of(Integer.parseInt(quorum.substring(colon + 1)));
  }

  /**
   * Runs the storage tool's {@code format --standalone} on a new directory, with a SCRAM-SHA-512
   * credential for each of {@code scramUsers}; one formatted before is left as it is.
   */
  private static void format(Path dataDir, Properties props, Map<String, String> scramUsers) {
    try {
      Files.createDirectories(dataDir);
      Path config = dataDir.resolve("server.properties");
      try (OutputStream out = Files.newOutputStream(config)) {
        props.store(out, "written by idv-streams' embedded broker");
      }
      if (Files.exists(dataDir.resolve("logs").resolve("meta.properties"))) {
        return; // formatted before: its cluster id is in its log, and a new one would not match
      }
      ByteArrayOutputStream output = new ByteArrayOutputStream();
      List<String> args = new ArrayList<>(List.of("format", "--config", config.toString(),
          "--cluster-id", Uuid.randomUuid().toString(), "--standalone", "--ignore-formatted"));
      scramUsers.forEach((user, password) -> args.addAll(List.of("--add-scram",
          "SCRAM-SHA-512=[name=" + user + ",password=" + password + "]")));
      int exit = StorageTool.execute(args.toArray(String[]::new), new PrintStream(output, true, StandardCharsets.UTF_8));
      if (exit != 0) {
        throw new IllegalStateException("kafka-storage format failed (" + exit + "): " + output.toString(StandardCharsets.UTF_8));
      }
    } catch (IOException e) {
      throw new UncheckedIOException("cannot format the broker's data directory " + dataDir, e);
    }
  }

  private static void deleteRecursively(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
    } catch (IOException e) {
      LOG.warn("Could not delete {}: {}", dir, e.toString());
    }
  }
}
