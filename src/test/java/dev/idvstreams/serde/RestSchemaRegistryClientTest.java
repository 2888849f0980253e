package dev.idvstreams.serde;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import dev.idvstreams.avro.VerificationRequest;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The REST client's HTTP behaviour against a scripted server; the real registry is in ApicurioRegistryIT. */
class RestSchemaRegistryClientTest {

  private final List<String> requests = new CopyOnWriteArrayList<>();
  private final List<String> requestBodies = new CopyOnWriteArrayList<>();
  private final List<String> authorizations = new CopyOnWriteArrayList<>();
  private final AtomicInteger status = new AtomicInteger(200);
  /** Answers given in turn, one a request, before falling back to {@link #status} and the body given to start. */
  private final Queue<Reply> script = new ConcurrentLinkedQueue<>();
  private HttpServer server;

  private record Reply(int status, String body) {}

  private String start(String body) throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", exchange -> answer(exchange, body));
    server.start();
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/apis/ccompat/v7/";
  }

  private void answer(HttpExchange exchange, String body) throws IOException {
    requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI());
    requestBodies.add(new String(exchange.getRequestBody().readAllBytes(), StandardCharsets.UTF_8));
    authorizations.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
    Reply reply = script.poll();
    byte[] bytes = (reply == null ? body : reply.body()).getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(reply == null ? status.get() : reply.status(), bytes.length);
    exchange.getResponseBody().write(bytes);
    exchange.close();
  }

  @AfterEach
  void stop() {
    if (server != null) {
      server.stop(0);
    }
  }

  @Test
  void shouldRegisterOncePerSubjectAndSendBasicAuth() throws IOException {
    SchemaRegistryClient client = new RestSchemaRegistryClient(start("{\"id\":7}"), "user:secret", Duration.ofSeconds(2), null);
    assertThat(client.register("idv.requests-value", VerificationRequest.getClassSchema())).isEqualTo(7);
    assertThat(client.register("idv.requests-value", VerificationRequest.getClassSchema())).isEqualTo(7);
    assertThat(requests).containsExactly("POST /apis/ccompat/v7/subjects/idv.requests-value/versions");
    assertThat(authorizations).containsExactly("Basic dXNlcjpzZWNyZXQ=");
    // the id is known from the registration: no lookup needed
    assertThat(client.schemaById(7)).isEqualTo(VerificationRequest.getClassSchema());
    assertThat(requests).hasSize(1);
  }

  @Test
  void shouldLookUpAnIdOnceAndCacheIt() throws IOException {
    String schemaJson = VerificationRequest.getClassSchema().toString();
    String body = "{\"schema\":" + com.fasterxml.jackson.databind.node.TextNode.valueOf(schemaJson) + "}";
    SchemaRegistryClient client = new RestSchemaRegistryClient(start(body), null, Duration.ofSeconds(2), null);
    assertThat(client.schemaById(3)).isEqualTo(VerificationRequest.getClassSchema());
    assertThat(client.schemaById(3)).isEqualTo(VerificationRequest.getClassSchema());
    assertThat(requests).containsExactly("GET /apis/ccompat/v7/schemas/ids/3");
    assertThat(authorizations).containsExactly("null");
  }

  @Test
  void shouldCallA404OnLookupAnUnknownSchemaId() throws IOException {
    status.set(404);
    SchemaRegistryClient client = new RestSchemaRegistryClient(start("{\"error_code\":40403}"), null, Duration.ofSeconds(2), null);
    assertThatThrownBy(() -> client.schemaById(99))
        .isInstanceOfSatisfying(BadRecordException.class, e -> assertThat(e.reason()).isEqualTo(BadRecordException.Reason.UNKNOWN_SCHEMA_ID));
  }

  @Test
  void shouldCallServerErrorsAndRefusedCredentialsUnavailable() throws IOException {
    SchemaRegistryClient client = new RestSchemaRegistryClient(start("{}"), "user:wrong", Duration.ofSeconds(2), null);
    status.set(503);
    assertThatThrownBy(() -> client.schemaById(1)).isInstanceOf(RegistryUnavailableException.class).hasMessageContaining("HTTP 503");
    status.set(401);
    assertThatThrownBy(() -> client.schemaById(1)).isInstanceOf(RegistryUnavailableException.class)
        .hasMessageContaining("schema.registry.basic.auth.user.info")
        .hasMessageNotContaining("wrong");
  }

  @Test
  void shouldStopAStartOnlyForWhatConfigurationMends() throws IOException {
    SchemaRegistryClient client = new RestSchemaRegistryClient(start("[]"), "user:wrong", Duration.ofSeconds(2), null);
    client.check();
    assertThat(requests).containsExactly("GET /apis/ccompat/v7/subjects");
    status.set(503);
    client.check(); // a registry restarting: logged, and waited for by the records
    status.set(401);
    assertThatThrownBy(client::check).isInstanceOf(RegistryUnavailableException.class)
        .hasMessageContaining("refused the credentials").hasMessageNotContaining("wrong");
    status.set(404);
    assertThatThrownBy(client::check).isInstanceOf(RegistryUnavailableException.class)
        .hasMessageContaining("check schema.registry.url");
    server.stop(0);
    server = null;
    client.check(); // nothing listening: logged, waited for
  }

  @Test
  void shouldTakeTheIdOfTheSameSchemaWhenARegistrationLosesARace() throws IOException {
    // what Apicurio answers the losers when several instances register the same new schema at once
    script.add(new Reply(409, "{\"error_code\":409,\"message\":\"An artifact with ID 'idv.results-value' in group 'null' already exists.\"}"));
    script.add(new Reply(200, "{\"subject\":\"idv.results-value\",\"id\":12,\"version\":1,\"schema\":\"{}\"}"));
    SchemaRegistryClient client = new RestSchemaRegistryClient(start("{}"), null, Duration.ofSeconds(2), null);

    assertThat(client.register("idv.results-value", VerificationRequest.getClassSchema())).isEqualTo(12);
    assertThat(client.register("idv.results-value", VerificationRequest.getClassSchema())).isEqualTo(12);

    assertThat(requests).containsExactly(
        "POST /apis/ccompat/v7/subjects/idv.results-value/versions",
        "POST /apis/ccompat/v7/subjects/idv.results-value");
    assertThat(requestBodies.get(1)).isEqualTo(requestBodies.get(0));
    assertThat(client.schemaById(12)).isEqualTo(VerificationRequest.getClassSchema());
    assertThat(requests).hasSize(2);
  }

  @Test
  void shouldRefuseAnIncompatibleSchemaAsASerializationError() throws IOException {
    script.add(new Reply(409, "{\"error_code\":409,\"message\":\"Incompatible artifact: reader type: INT not compatible with writer type: STRING at /fields/0/type\"}"));
    script.add(new Reply(404, "{\"error_code\":40403,\"message\":\"The given schema does not match any schema under the subject s-value\"}"));
    SchemaRegistryClient client = new RestSchemaRegistryClient(start("{}"), null, Duration.ofSeconds(2), null);
    assertThatThrownBy(() -> client.register("s-value", VerificationRequest.getClassSchema()))
        .isInstanceOf(SerializationException.class)
        .isNotInstanceOf(RegistryUnavailableException.class)
        .hasMessageContaining("subject s-value")
        .hasMessageContaining("incompatible with the subject's existing versions")
        .hasMessageNotContaining("bizId")
        .hasMessageNotContaining("fields");
    assertThat(requests).containsExactly(
        "POST /apis/ccompat/v7/subjects/s-value/versions",
        "POST /apis/ccompat/v7/subjects/s-value");
  }

  @Test
  void shouldCallAFailedLookupAfterAConflictUnavailable() throws IOException {
    script.add(new Reply(409, "{\"error_code\":409}"));
    script.add(new Reply(503, "{}"));
    SchemaRegistryClient client = new RestSchemaRegistryClient(start("{\"id\":5}"), null, Duration.ofSeconds(2), null);
    assertThatThrownBy(() -> client.register("s-value", VerificationRequest.getClassSchema()))
        .isInstanceOf(RegistryUnavailableException.class)
        .hasMessageContaining("HTTP 503");
    // nothing was cached: the next record registers again
    assertThat(client.register("s-value", VerificationRequest.getClassSchema())).isEqualTo(5);
    assertThat(requests).hasSize(3);
  }
}
