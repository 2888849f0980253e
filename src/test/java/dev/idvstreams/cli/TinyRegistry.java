package dev.idvstreams.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;

/**
 * The two Confluent Schema Registry REST calls the processor makes ({@code POST
 * /subjects/S/versions}, {@code GET /schemas/ids/N}), served on 127.0.0.1 by the JDK's HTTP
 * server, for tests whose processor JVMs must share a registry where no Apicurio distribution is
 * at hand (an offline build: the pom fetches Apicurio at pre-integration-test). Ids are given per
 * distinct schema text, from 1; no compatibility rules.
 */
final class TinyRegistry implements AutoCloseable {

  private static final ObjectMapper JSON = new ObjectMapper();
  private final HttpServer server;
  private final List<String> schemas = new ArrayList<>();

  private TinyRegistry(HttpServer server) {
    this.server = server;
  }

  static TinyRegistry start() throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    TinyRegistry registry = new TinyRegistry(server);
    server.createContext("/", registry::handle);
    server.setExecutor(Executors.newFixedThreadPool(2));
    server.start();
    return registry;
  }

  String url() {
    return "http://127.0.0.1:" + server.getAddress().getPort();
  }

  private void handle(HttpExchange exchange) throws IOException {
    try (exchange) {
      String path = exchange.getRequestURI().getPath();
      if (exchange.getRequestMethod().equals("POST") && path.startsWith("/subjects/") && path.endsWith("/versions")) {
        String schema = JSON.readTree(exchange.getRequestBody()).path("schema").asText();
        int id;
        synchronized (schemas) {
          int index = schemas.indexOf(schema);
          if (index < 0) {
            schemas.add(schema);
            index = schemas.size() - 1;
          }
          id = index + 1;
        }
        answer(exchange, 200, Map.of("id", id));
      } else if (exchange.getRequestMethod().equals("GET") && path.startsWith("/schemas/ids/")) {
        String schema = null;
        try {
          int id = Integer.parseInt(path.substring("/schemas/ids/".length()));
          synchronized (schemas) {
            schema = id >= 1 && id <= schemas.size() ? schemas.get(id - 1) : null;
          }
        } catch (NumberFormatException e) {
          // no such id
        }
        if (schema == null) {
          answer(exchange, 404, Map.of("error_code", 40403, "message", "Schema not found"));
        } else {
          answer(exchange, 200, Map.of("schema", schema));
        }
      } else {
        answer(exchange, 404, Map.of("error_code", 404, "message", "not served here"));
      }
    }
  }

  private static void answer(HttpExchange exchange, int status, Map<String, ?> body) throws IOException {
    byte[] bytes = JSON.writeValueAsString(body).getBytes(StandardCharsets.UTF_8);
    exchange.getResponseHeaders().add("Content-Type", "application/vnd.schemaregistry.v1+json");
    exchange.sendResponseHeaders(status, bytes.length);
    try (OutputStream out = exchange.getResponseBody()) {
      out.write(bytes);
    }
  }

  @Override
  public void close() {
    server.stop(0);
    ((java.util.concurrent.ExecutorService) server.getExecutor()).shutdownNow();
  }
}
