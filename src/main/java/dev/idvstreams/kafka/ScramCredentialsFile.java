package dev.idvstreams.kafka;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import javax.security.auth.callback.Callback;
import javax.security.auth.callback.NameCallback;
import javax.security.auth.callback.PasswordCallback;
import javax.security.auth.callback.UnsupportedCallbackException;
import javax.security.auth.login.AppConfigurationEntry;
import javax.security.sasl.RealmCallback;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.security.auth.AuthenticateCallbackHandler;
import org.apache.kafka.common.security.scram.ScramExtensionsCallback;

/**
 * A Kafka client's SCRAM user and password, read from a file at every authentication instead of
 * once from {@code sasl.jaas.config}: a password rotated in the file is the one the next connection
 * and the next re-authentication use, without a restart.
 *
 * <p>Configured as {@code kafka.sasl.client.callback.handler.class=dev.idvstreams.kafka.ScramCredentialsFile}
 * with {@code kafka.sasl.jaas.config=org.apache.kafka.common.security.scram.ScramLoginModule required
 * credentials.file="/etc/kafka-user/scram.properties";}; the file holds {@code username} and
 * {@code password} (a Kubernetes Secret mounted as a volume, which the kubelet updates in place).
 * Rotation is docs/security.md's: the broker's password first, then the file; the brokers' own
 * {@code connections.max.reauth.ms} makes connections already open authenticate again.
 */
public final class ScramCredentialsFile implements AuthenticateCallbackHandler {

  /** The JAAS option naming the file. */
  public static final String FILE_OPTION = "credentials.file";

  private Path file;

  @Override
  public void configure(Map<String, ?> configs, String saslMechanism, List<AppConfigurationEntry> jaasConfigEntries) {
    for (AppConfigurationEntry entry : jaasConfigEntries) {
      Object option = entry.getOptions().get(FILE_OPTION);
      if (option != null) {
        file = Path.of(option.toString());
      }
    }
    if (file == null) {
      throw new KafkaException(getClass().getSimpleName() + " needs the JAAS option " + FILE_OPTION
          + "=\"<path>\" in sasl.jaas.config");
    }
    read(); // a file that cannot be used fails the client's construction, named, not its first connection
  }

  @Override
  public void handle(Callback[] callbacks) throws IOException, UnsupportedCallbackException {
    Properties credentials = read();
    for (Callback callback : callbacks) {
      if (callback instanceof NameCallback name) {
        name.setName(credentials.getProperty("username"));
      } else if (callback instanceof PasswordCallback password) {
        password.setPassword(credentials.getProperty("password").toCharArray());
      } else if (callback instanceof RealmCallback realm) {
        realm.setText(realm.getDefaultText());
      } else if (callback instanceof ScramExtensionsCallback) {
        // no extensions: the default empty set
      } else {
        throw new UnsupportedCallbackException(callback);
      }
    }
  }

  private Properties read() {
    Properties credentials = new Properties();
    try (InputStream in = Files.newInputStream(file)) {
      credentials.load(in);
    } catch (IOException e) {
      throw new KafkaException("cannot read the SCRAM credentials file " + file + ": " + e.getClass().getSimpleName());
    }
    if (credentials.getProperty("username", "").isBlank() || credentials.getProperty("password", "").isEmpty()) {
      throw new KafkaException("the SCRAM credentials file " + file + " needs username and password");
    }
    return credentials;
  }

  @Override
  public void close() {}
}
