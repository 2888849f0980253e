package dev.idvstreams.kafka;

import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.errors.AuthenticationException;
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.SslAuthenticationException;

/**
 * The first question every command asks the cluster, before anything retries: can these client
 * settings reach a broker and authenticate? Kafka's clients treat a refused password or an
 * untrusted certificate as fatal but report it deep inside whatever call met it first, and treat
 * an unreachable or silent broker as a reason to retry for ever; this check turns each into one
 * error at start that names the cause and the keys to look at.
 */
public final class ClusterCheck {

  /** How long a command waits for a broker before it gives up: within 30 s of start, with room. */
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(20);

  private ClusterCheck() {}

  /**
   * Asks the cluster for its description with {@code clientProperties}.
   *
   * @throws KafkaAccessException naming the cause: refused credentials, a failed TLS handshake,
   *     or no answer within {@code timeout}
   */
  public static void reach(Map<String, Object> clientProperties, Duration timeout) {
    Map<String, Object> properties = new HashMap<>(clientProperties);
    properties.put(AdminClientConfig.CLIENT_ID_CONFIG, "idv-cluster-check");
    // an answer within the timeout, not Kafka's default of a minute of retries: the question is whether it answers at all
    properties.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
    properties.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) timeout.toMillis());
    String where = where(properties);
    try (Admin admin = Admin.create(properties)) {
      admin.describeCluster(new DescribeClusterOptions().timeoutMs((int) timeout.toMillis())).nodes()
          .get(timeout.toMillis() + 1_000, TimeUnit.MILLISECONDS);
    } catch (ExecutionException e) {
      throw refused(e.getCause(), where, timeout);
    } catch (TimeoutException e) {
      throw silent(where, timeout);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new KafkaAccessException("interrupted while reaching Kafka at " + where, e);
    } catch (org.apache.kafka.common.KafkaException e) {
      // the client could not even be built: a trust store that cannot be read, a JAAS line that does not parse
      throw new KafkaAccessException("cannot build a Kafka client for " + where + ": " + causes(e)
          + " (check the kafka.ssl.* and kafka.sasl.* settings)", e);
    }
  }

  private static KafkaAccessException refused(Throwable cause, String where, Duration timeout) {
    if (cause instanceof SaslAuthenticationException) {
      return new KafkaAccessException("Kafka at " + where + " refused the SASL credentials: " + cause.getMessage()
          + " (check the user and password in kafka.sasl.jaas.config, and kafka.sasl.mechanism)", cause);
    }
    if (cause instanceof SslAuthenticationException) {
      return new KafkaAccessException("the TLS handshake with Kafka at " + where + " failed: " + causes(cause)
          + " (is the broker's certificate, or its CA, in kafka.ssl.truststore.location? does it name the host?)", cause);
    }
    if (cause instanceof AuthenticationException) {
      return new KafkaAccessException("Kafka at " + where + " refused to authenticate this client: " + cause.getMessage(), cause);
    }
    if (cause instanceof org.apache.kafka.common.errors.TimeoutException) {
      return silent(where, timeout);
    }
    return new KafkaAccessException("cannot reach Kafka at " + where + ": " + causes(cause), cause);
  }

  private static KafkaAccessException silent(String where, Duration timeout) {
    return new KafkaAccessException("no Kafka broker answered at " + where + " within " + timeout.toSeconds()
        + " s (is bootstrap.servers right, and does kafka.security.protocol match the broker's listener?)");
  }

  private static String where(Map<String, Object> properties) {
    Object protocol = properties.getOrDefault(CommonClientConfigs.SECURITY_PROTOCOL_CONFIG, "PLAINTEXT");
    return properties.get(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG) + " (" + protocol + ")";
  }

  /**
   * The messages of an exception and its causes, which hold the TLS failure's reason. Kafka's own
   * messages of authentication and TLS failures name no password; a JAAS line that does not parse
   * fails earlier, when the client is built.
   */
  private static String causes(Throwable error) {
    StringBuilder text = new StringBuilder();
    for (Throwable e = error; e != null && text.length() < 600; e = e.getCause()) {
      if (!text.isEmpty()) {
        text.append(": ");
      }
      text.append(e.getClass().getSimpleName()).append(' ').append(e.getMessage());
    }
    return text.toString();
  }
}
