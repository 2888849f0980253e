package dev.idvstreams.tls;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.Objects;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * A trust store given by configuration: the certificates (or CAs) an https peer may present, for a
 * peer the JVM's default trust store does not know (a private CA, a test certificate).
 *
 * @param path the file
 * @param password its password; never printed
 * @param type {@code PKCS12} or {@code JKS}
 */
public record TrustStore(Path path, String password, String type) {

  public TrustStore {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(password, "password");
    Objects.requireNonNull(type, "type");
  }

  /** An SSL context that trusts this store's certificates only, for the JDK's HTTP client. */
  public SSLContext sslContext() {
    try (InputStream in = Files.newInputStream(path)) {
      KeyStore store = KeyStore.getInstance(type);
      store.load(in, password.toCharArray());
      TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      trust.init(store);
      SSLContext context = SSLContext.getInstance("TLS");
      context.init(null, trust.getTrustManagers(), null);
      return context;
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the trust store " + path + ": " + e.getMessage(), e);
    } catch (GeneralSecurityException e) {
      throw new IllegalArgumentException("cannot use the trust store " + path + " (" + type + "): " + e.getMessage(), e);
    }
  }

  @Override
  public String toString() {
    return "TrustStore[" + path + ", " + type + "]";
  }
}
