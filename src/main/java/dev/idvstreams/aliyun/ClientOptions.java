package dev.idvstreams.aliyun;

import dev.idvstreams.api.Api;
import dev.idvstreams.api.SignatureVersion;
import java.net.URI;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import dev.idvstreams.tls.TrustStore;

/**
 * How {@link IdVerificationClient} reaches the APIs: an endpoint and a signature version per API
 * (defaults from {@link Api}), one {@code endpointOverride} that points all three at a simulator,
 * HTTP timeouts, keep-alive, the connection pool, the credentials and the image download guards.
 * Immutable; built with {@link #builder()}.
 */
public final class ClientOptions {

  private final Map<Api, String> endpoints;
  private final String endpointOverride;
  private final Map<Api, SignatureVersion> signatureVersions;
  private final Duration connectTimeout;
  private final Duration requestTimeout;
  private final boolean keepAlive;
  private final int poolSize;
  private final CredentialsSource credentials;
  private final ImageFetchOptions imageFetch;
  private final Optional<TrustStore> trustStore;

  private ClientOptions(Builder b) {
    this.endpoints = Map.copyOf(b.endpoints);
    this.endpointOverride = b.endpointOverride;
    this.signatureVersions = Map.copyOf(b.signatureVersions);
    this.connectTimeout = b.connectTimeout;
    this.requestTimeout = b.requestTimeout;
    this.keepAlive = b.keepAlive;
    this.poolSize = b.poolSize;
    this.credentials = b.credentials;
    this.imageFetch = b.imageFetch;
    this.trustStore = b.trustStore;
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * The base URI of {@code api}: the override when set, else its configured endpoint, else its
   * public one; a bare host name means HTTPS.
   */
  public URI endpoint(Api api) {
    String endpoint = endpointOverride != null ? endpointOverride : endpoints.getOrDefault(api, api.defaultEndpoint());
    return URI.create(endpoint.contains("://") ? endpoint : "https://" + endpoint);
  }

  public SignatureVersion signatureVersion(Api api) {
    return signatureVersions.getOrDefault(api, api.defaultSignatureVersion());
  }

  public Duration connectTimeout() {
    return connectTimeout;
  }

  public Duration requestTimeout() {
    return requestTimeout;
  }

  public boolean keepAlive() {
    return keepAlive;
  }

  /** Connections per endpoint: size it for the in-flight bound. */
  public int poolSize() {
    return poolSize;
  }

  public CredentialsSource credentials() {
    return credentials;
  }

  public ImageFetchOptions imageFetch() {
    return imageFetch;
  }

  /** The certificates the APIs' https endpoints may present; empty: the JVM's default trust store. */
  public Optional<TrustStore> trustStore() {
    return trustStore;
  }

  @Override
  public String toString() {
    return "ClientOptions[endpointOverride=" + endpointOverride + ", endpoints=" + endpoints
        + ", signatureVersions=" + signatureVersions + ", connectTimeout=" + connectTimeout
        + ", requestTimeout=" + requestTimeout + ", keepAlive=" + keepAlive + ", poolSize=" + poolSize
        + ", credentials=" + credentials.getClass().getSimpleName() + ", trustStore=" + trustStore + "]";
  }

  /** Defaults: public endpoints, V3 for the cloudauth APIs and 1.0 for SAF, 5 s connect, 10 s request, keep-alive, 64 connections, the default credentials chain. */
  public static final class Builder {
    private final Map<Api, String> endpoints = new EnumMap<>(Api.class);
    private String endpointOverride;
    private final Map<Api, SignatureVersion> signatureVersions = new EnumMap<>(Api.class);
    private Duration connectTimeout = Duration.ofSeconds(5);
    private Duration requestTimeout = Duration.ofSeconds(10);
    private boolean keepAlive = true;
    private int poolSize = 64;
    private CredentialsSource credentials = CredentialsSource.defaultChain();
    private ImageFetchOptions imageFetch = ImageFetchOptions.defaults();
    private Optional<TrustStore> trustStore = Optional.empty();

    private Builder() {}

    /** Trust the APIs' certificates from this store instead of the JVM's default one. */
    public Builder trustStore(TrustStore trustStore) {
      this.trustStore = Optional.of(trustStore);
      return this;
    }

    /** A host name ({@code cloudauth-intl-vpc.ap-southeast-1.aliyuncs.com}) or a base URI. */
    public Builder endpoint(Api api, String endpoint) {
      endpoints.put(api, Objects.requireNonNull(endpoint));
      return this;
    }

    /** One base URI for all three APIs, e.g. {@code http://127.0.0.1:8089} for the simulator. */
    public Builder endpointOverride(String endpointOverride) {
      this.endpointOverride = endpointOverride;
      return this;
    }

    public Builder signatureVersion(Api api, SignatureVersion version) {
      signatureVersions.put(api, Objects.requireNonNull(version));
      return this;
    }

    public Builder connectTimeout(Duration connectTimeout) {
      this.connectTimeout = Objects.requireNonNull(connectTimeout);
      return this;
    }

    public Builder requestTimeout(Duration requestTimeout) {
      this.requestTimeout = Objects.requireNonNull(requestTimeout);
      return this;
    }

    public Builder keepAlive(boolean keepAlive) {
      this.keepAlive = keepAlive;
      return this;
    }

    public Builder poolSize(int poolSize) {
      if (poolSize < 1) {
        throw new IllegalArgumentException("poolSize must be at least 1, was " + poolSize);
      }
      this.poolSize = poolSize;
      return this;
    }

    public Builder credentials(CredentialsSource credentials) {
      this.credentials = Objects.requireNonNull(credentials);
      return this;
    }

    /** Shorthand for {@code credentials(CredentialsSource.staticKeys(id, secret))}. */
    public Builder staticKeys(String accessKeyId, String accessKeySecret) {
      return credentials(CredentialsSource.staticKeys(accessKeyId, accessKeySecret));
    }

    public Builder imageFetch(ImageFetchOptions imageFetch) {
      this.imageFetch = Objects.requireNonNull(imageFetch);
      return this;
    }

    public ClientOptions build() {
      return new ClientOptions(this);
    }
  }
}
