package dev.idvstreams.serde;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import dev.idvstreams.tls.TrustStore;
import org.apache.avro.Schema;
import org.apache.kafka.common.errors.SerializationException;

/**
 * A client for the Confluent Schema Registry REST API (also served by Apicurio under
 * {@code /apis/ccompat/v7}, Karapace and Redpanda). Uses the JDK's HttpClient, so https works with
 * the JVM's trust store ({@code javax.net.ssl.trustStore}).
 */
public final class RestSchemaRegistryClient implements SchemaRegistryClient {

  private static final String CONTENT_TYPE = "application/vnd.schemaregistry.v1+json";
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final org.slf4j.Logger LOG = org.slf4j.LoggerFactory.getLogger(RestSchemaRegistryClient.class);

  private final String baseUrl;
  private final Optional<String> authorization;
  private final Duration timeout;
  private final HttpClient http;
  private final Map<String, Integer> idsBySubjectAndSchema = new ConcurrentHashMap<>();
  private final Map<Integer, Schema> schemasById = new ConcurrentHashMap<>();

  /**
   * @param baseUrl the registry URL, for example {@code http://registry:8081} or {@code http://apicurio:8080/apis/ccompat/v7}
   * @param basicAuthUserInfo {@code user:password} for basic authentication, or null
   * @param timeout connect and request timeout
   * @param trustStore the certificates an https registry may present; null for the JVM's default trust store
   */
  public RestSchemaRegistryClient(String baseUrl, String basicAuthUserInfo, Duration timeout, TrustStore trustStore) {
    this.baseUrl = baseUrl.endsWith("/") ? baseUrl.substring(0, baseUrl.length() - 1) : baseUrl;
    this.authorization = Optional.ofNullable(basicAuthUserInfo).filter(s -> !s.isEmpty())
        .map(u -> "Basic " + Base64.getEncoder().encodeToString(u.getBytes(StandardCharsets.UTF_8)));
    this.timeout = timeout;
    HttpClient.Builder http = HttpClient.newBuilder().connectTimeout(timeout);
    if (trustStore != null) {
      http.sslContext(trustStore.sslContext());
    }
    this.http = http.build();
  }

  /**
   * Lists the subjects (any reader may, and no schema need exist). Refused credentials, an
   * untrusted certificate and a URL with no registry behind it are configuration errors: thrown. A
   * registry that is down or answers 5xx may be back in a minute: logged, and records wait for it
   * as they would later.
   */
  @Override
  public void check() {
    String what = "list the subjects";
    HttpResponse<String> response;
    try {
      response = exchange(request("/subjects").GET().build(), what);
    } catch (RegistryUnavailableException e) {
      if (e.getCause() instanceof javax.net.ssl.SSLException) {
        throw e;
      }
      LOG.warn("The schema registry does not answer at start ({}); records wait for it", e.getMessage());
      return;
    }
    int status = response.statusCode();
    if (status >= 500 || status == 408 || status == 429) {
      LOG.warn("The schema registry at {} answered HTTP {} at start; records wait for it", baseUrl, status);
      return;
    }
    answer(response, what).orElseThrow(() -> notFound(what));
  }

  @Override
  public int register(String subject, Schema schema) {
    String schemaJson = schema.toString();
    return idsBySubjectAndSchema.computeIfAbsent(subject + '\n' + schemaJson, k -> {
      String body = JSON.createObjectNode().put("schema", schemaJson).toString();
      String path = "/subjects/" + URLEncoder.encode(subject, StandardCharsets.UTF_8);
      String what = "register a schema under subject " + subject;
      HttpResponse<String> response = exchange(post(path + "/versions", body), what);
      JsonNode answer = response.statusCode() == 409
          ? registeredUnder(subject, path, body)
          : answer(response, what).orElseThrow(() -> notFound(what));
      int id = answer.path("id").asInt(-1);
      if (id < 0) {
        throw new RegistryUnavailableException("registry at " + baseUrl + " answered a registration without an id");
      }
      schemasById.putIfAbsent(id, schema);
      return id;
    });
  }

  /**
   * After a 409 on registration: the schema as registered under the subject, found by the
   * "is this schema registered under this subject" lookup. A 409 is not always an incompatibility:
   * when several instances register the same schema at once, Apicurio answers 409 to all but the
   * first. Only when the subject does not hold the schema (404: 40401 no such subject, 40403 no
   * such schema) was the schema really refused.
   */
  private JsonNode registeredUnder(String subject, String path, String body) {
    return send(post(path, body), "look up a schema under subject " + subject).orElseThrow(() -> new SerializationException(
        "cannot register a schema under subject " + subject + ": the schema is incompatible with the subject's existing"
            + " versions (registry at " + baseUrl + " answered HTTP 409 and does not hold it under the subject)"));
  }

  @Override
  public Schema schemaById(int id) {
    Schema cached = schemasById.get(id);
    if (cached != null) {
      return cached;
    }
    HttpRequest request = request("/schemas/ids/" + id).GET().build();
    JsonNode answer = send(request, "look up schema id " + id).orElseThrow(() -> new BadRecordException(
        BadRecordException.Reason.UNKNOWN_SCHEMA_ID, "unknown schema id " + id + " (registry " + baseUrl + " has no such schema)"));
    Schema schema;
    try {
      schema = new Schema.Parser().parse(answer.path("schema").asText());
    } catch (RuntimeException e) {
      throw new BadRecordException(BadRecordException.Reason.UNKNOWN_SCHEMA_ID,
          "schema id " + id + " is not an Avro schema: " + e.getMessage(), e);
    }
    schemasById.putIfAbsent(id, schema);
    return schema;
  }

  private HttpRequest.Builder request(String path) {
    HttpRequest.Builder builder = HttpRequest.newBuilder(URI.create(baseUrl + path))
        .timeout(timeout)
        .header("Accept", CONTENT_TYPE + ", application/json")
        .header("Content-Type", CONTENT_TYPE);
    authorization.ifPresent(a -> builder.header("Authorization", a));
    return builder;
  }

  private HttpRequest post(String path, String body) {
    return request(path).POST(HttpRequest.BodyPublishers.ofString(body)).build();
  }

  /** The answer's JSON, or empty for a 404, which means "no such schema" for a lookup. */
  private Optional<JsonNode> send(HttpRequest request, String what) {
    return answer(exchange(request, what), what);
  }

  private HttpResponse<String> exchange(HttpRequest request, String what) {
    try {
      return http.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (javax.net.ssl.SSLException e) {
      throw new RegistryUnavailableException("cannot " + what + ": the TLS handshake with the registry at " + baseUrl
          + " failed (" + e + "); is its certificate, or its CA, in schema.registry.ssl.truststore.location?", e);
    } catch (IOException e) {
      throw new RegistryUnavailableException("cannot " + what + ": registry at " + baseUrl + " unreachable (" + e + ")", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RegistryUnavailableException("interrupted while trying to " + what, e);
    }
  }

  private Optional<JsonNode> answer(HttpResponse<String> response, String what) {
    int status = response.statusCode();
    if (status == 404) {
      return Optional.empty();
    }
    if (status >= 500 || status == 408 || status == 429) {
      throw new RegistryUnavailableException("cannot " + what + ": registry at " + baseUrl + " answered HTTP " + status);
    }
    if (status == 401 || status == 403) {
      throw new RegistryUnavailableException("cannot " + what + ": registry at " + baseUrl
          + " refused the credentials (HTTP " + status + "); check schema.registry.basic.auth.user.info");
    }
    if (status >= 400) {
      // 409 (incompatible schema), 422 (invalid schema): the schema is wrong, retrying will not help
      throw new SerializationException("cannot " + what + ": registry at " + baseUrl + " answered HTTP "
          + status + ": " + response.body());
    }
    try {
      return Optional.of(JSON.readTree(response.body()));
    } catch (IOException e) {
      throw new RegistryUnavailableException("cannot " + what + ": registry at " + baseUrl + " answered with invalid JSON", e);
    }
  }

  private RegistryUnavailableException notFound(String what) {
    return new RegistryUnavailableException("cannot " + what + ": registry at " + baseUrl
        + " answered HTTP 404; check schema.registry.url");
  }
}
