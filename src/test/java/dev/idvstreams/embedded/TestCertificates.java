package dev.idvstreams.embedded;

import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.time.Instant;
import java.util.Date;
import java.util.concurrent.atomic.AtomicLong;
import org.bouncycastle.asn1.x500.X500Name;
import org.bouncycastle.asn1.x509.BasicConstraints;
import org.bouncycastle.asn1.x509.Extension;
import org.bouncycastle.asn1.x509.GeneralName;
import org.bouncycastle.asn1.x509.GeneralNames;
import org.bouncycastle.asn1.x509.KeyUsage;
import org.bouncycastle.cert.jcajce.JcaX509CertificateConverter;
import org.bouncycastle.cert.jcajce.JcaX509v3CertificateBuilder;
import org.bouncycastle.operator.jcajce.JcaContentSignerBuilder;

/**
 * Certificates made at test time, as an operator's CA would issue them: a CA, and a server key
 * pair for {@code localhost} and {@code 127.0.0.1} signed by it. Written as PKCS12 files: the
 * server's key store (its key and chain) and a trust store holding the CA only. A second
 * {@link #create} gives an unrelated CA, whose trust store does not trust the first one's server.
 */
public final class TestCertificates {

  private static final AtomicLong SERIAL = new AtomicLong(System.currentTimeMillis());

  private final Path keyStore;
  private final Path trustStore;
  private final String password;

  private TestCertificates(Path keyStore, Path trustStore, String password) {
    this.keyStore = keyStore;
    this.trustStore = trustStore;
    this.password = password;
  }

  /** A new CA and a server certificate for localhost/127.0.0.1, valid for a day, in {@code dir}. */
  public static TestCertificates create(Path dir, String password) {
    try {
      Files.createDirectories(dir);
      KeyPair ca = keyPair();
      X500Name caName = new X500Name("CN=idv-streams test CA " + SERIAL.get());
      X509Certificate caCert = sign(caName, caName, ca.getPublic(), ca.getPrivate(), true);
      KeyPair server = keyPair();
      X509Certificate serverCert = sign(caName, new X500Name("CN=localhost"), server.getPublic(), ca.getPrivate(), false);

      KeyStore keys = KeyStore.getInstance("PKCS12");
      keys.load(null, null);
      keys.setKeyEntry("server", server.getPrivate(), password.toCharArray(), new Certificate[] {serverCert, caCert});
      Path keyStore = dir.resolve("server.p12");
      store(keys, keyStore, password);

      KeyStore trust = KeyStore.getInstance("PKCS12");
      trust.load(null, null);
      trust.setCertificateEntry("ca", caCert);
      Path trustStore = dir.resolve("truststore.p12");
      store(trust, trustStore, password);
      return new TestCertificates(keyStore, trustStore, password);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (GeneralSecurityException | org.bouncycastle.operator.OperatorCreationException e) {
      throw new IllegalStateException("cannot make test certificates", e);
    }
  }

  /** The server's PKCS12 key store: its key and its chain up to the CA. */
  public Path keyStore() {
    return keyStore;
  }

  /** A PKCS12 trust store holding the CA only. */
  public Path trustStore() {
    return trustStore;
  }

  /** The password of both stores and of the key. */
  public String password() {
    return password;
  }

  private static KeyPair keyPair() throws GeneralSecurityException {
    KeyPairGenerator generator = KeyPairGenerator.getInstance("EC");
    generator.initialize(256);
    return generator.generateKeyPair();
  }

  private static X509Certificate sign(X500Name issuer, X500Name subject, java.security.PublicKey key, PrivateKey issuerKey,
      boolean ca) throws GeneralSecurityException, IOException, org.bouncycastle.operator.OperatorCreationException {
    Instant now = Instant.now();
    JcaX509v3CertificateBuilder builder = new JcaX509v3CertificateBuilder(issuer, BigInteger.valueOf(SERIAL.incrementAndGet()),
        Date.from(now.minus(Duration.ofHours(1))), Date.from(now.plus(Duration.ofDays(1))), subject, key);
    builder.addExtension(Extension.basicConstraints, true, new BasicConstraints(ca));
    if (ca) {
      builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.keyCertSign | KeyUsage.cRLSign));
    } else {
      builder.addExtension(Extension.keyUsage, true, new KeyUsage(KeyUsage.digitalSignature | KeyUsage.keyAgreement));
      builder.addExtension(Extension.subjectAlternativeName, false, new GeneralNames(new GeneralName[] {
          new GeneralName(GeneralName.dNSName, "localhost"), new GeneralName(GeneralName.iPAddress, "127.0.0.1")}));
    }
    return new JcaX509CertificateConverter().getCertificate(
        builder.build(new JcaContentSignerBuilder("SHA256withECDSA").build(issuerKey)));
  }

  private static void store(KeyStore store, Path file, String password) throws IOException, GeneralSecurityException {
    try (OutputStream out = Files.newOutputStream(file)) {
      store.store(out, password.toCharArray());
    }
  }
}
