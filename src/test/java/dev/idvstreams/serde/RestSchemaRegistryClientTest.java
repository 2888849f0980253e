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
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.common.errors.SerializationException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The REST client's HTTP behaviour against a scripted server; the real registry is in ApicurioRegistryIT. */
class RestSchemaRegistryClientTest {

  private final List<String> requests = new CopyOnWriteArrayList<>();
  private final List<String> authorizations = new CopyOnWriteArrayList<>();
  private final AtomicInteger status = new AtomicInteger(200);
  private HttpServer server;

  private String start(String body) throws IOException {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext("/", exchange -> answer(exchange, body));
    server.start();
    return "http://127.0.0.1:" + server.getAddress().getPort() + "/apis/ccompat/v7/";
  }

  private void answer(HttpExchange exchange, String body) throws IOException {
    requests.add(exchange.getRequestMethod() + " " + exchange.getRequestURI());
    authorizations.add(String.valueOf(exchange.getRequestHeaders().getFirst("Authorization")));
    byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
    exchange.sendResponseHeaders(status.get(), bytes.length);
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
    SchemaRegistryClient client = new RestSchemaRegistryClient(start("{\"id\":7}"), "user:secret", Duration.ofSeconds(2));
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
    SchemaRegistryClient client = new RestSchemaRegistryClient(start(body), null, Duration.ofSeconds(2));
    assertThat(client.schemaById(3)).isEqualTo(VerificationRequest.getClassSchema());
    assertThat(client.schemaById(3)).isEqualTo(VerificationRequest.getClassSchema());
    assertThat(requests).containsExactly("GET /apis/ccompat/v7/schemas/ids/3");
    assertThat(authorizations).containsExactly("null");
  }

  @Test
  void shouldCallA404OnLookupAnUnknownSchemaId() throws IOException {
    status.set(404);
    SchemaRegistryClient client = new RestSchemaRegistryClient(start("{\"error_code\":40403}"), null, Duration.ofSeconds(2));
    assertThatThrownBy(() -> client.schemaById(99))
        .isInstanceOfSatisfying(BadRecordException.class, e -> assertThat(e.reason()).isEqualTo(BadRecordException.Reason.UNKNOWN_SCHEMA_ID));
  }

  @Test
  void shouldCallServerErrorsAndRefusedCredentialsUnavailable() throws IOException {
    SchemaRegistryClient client = new RestSchemaRegistryClient(start("{}"), "user:wrong", Duration.ofSeconds(2));
    status.set(503);
    assertThatThrownBy(() -> client.schemaById(1)).isInstanceOf(RegistryUnavailableException.class).hasMessageContaining("HTTP 503");
    status.set(401);
    assertThatThrownBy(() -> client.schemaById(1)).isInstanceOf(RegistryUnavailableException.class)
        .hasMessageContaining("schema.registry.basic.auth.user.info")
        .hasMessageNotContaining("wrong");
  }

  @Test
  void shouldRefuseAnIncompatibleSchemaAsASerializationError() throws IOException {
    status.set(409);
    SchemaRegistryClient client = new RestSchemaRegistryClient(start("{\"error_code\":409,\"message\":\"incompatible\"}"), null, Duration.ofSeconds(2));
    assertThatThrownBy(() -> client.register("s-value", VerificationRequest.getClassSchema()))
        .isInstanceOf(SerializationException.class)
        .isNotInstanceOf(RegistryUnavailableException.class)
        .hasMessageContaining("HTTP 409");
  }
}
