package dev.idvstreams.serde;

import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.KeyStoreOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.Base64;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A registry that requires https and basic authentication, as a bank's is: a TLS-terminating proxy
 * on 127.0.0.1 that answers 401 without the right {@code Authorization} header and passes every
 * other request to a real Apicurio Registry over plain HTTP. Apicurio 2.x does basic
 * authentication only through an OIDC server, which this machine has none of; the proxy is what
 * sits in front of a registry in many deployments anyway.
 */
public final class BasicAuthTlsProxy implements AutoCloseable {

  private final Vertx vertx = Vertx.vertx();
  private final HttpServer server;
  private final HttpClient backend;
  private final String expected;
  private final int backendPort;
  private final AtomicInteger authenticated = new AtomicInteger();
  private final AtomicInteger refused = new AtomicInteger();

  /** Serves https with {@code keyStore} (PKCS12) and passes authenticated requests to 127.0.0.1:{@code backendPort}. */
  public BasicAuthTlsProxy(Path keyStore, String keyStorePassword, String user, String password, int backendPort)
      throws Exception {
    this.expected = "Basic " + Base64.getEncoder().encodeToString((user + ":" + password).getBytes(StandardCharsets.UTF_8));
    this.backendPort = backendPort;
    this.backend = vertx.createHttpClient();
    this.server = vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(0).setSsl(true)
            .setKeyCertOptions(new KeyStoreOptions().setType("PKCS12").setPath(keyStore.toString()).setPassword(keyStorePassword)))
        .requestHandler(this::handle)
        .listen().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
  }

  private void handle(HttpServerRequest request) {
    if (!expected.equals(request.getHeader(HttpHeaders.AUTHORIZATION))) {
      refused.incrementAndGet();
      request.response().setStatusCode(401).putHeader("WWW-Authenticate", "Basic realm=\"registry\"")
          .putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end("{\"error_code\":401,\"message\":\"Unauthorized\"}");
      return;
    }
    authenticated.incrementAndGet();
    request.body().compose(body -> backend.request(new RequestOptions().setMethod(request.method()).setHost("127.0.0.1")
            .setPort(backendPort).setURI(request.uri()))
        .compose(out -> {
          request.headers().forEach((name, value) -> {
            if (!name.equalsIgnoreCase("host") && !name.equalsIgnoreCase("authorization")) {
              out.putHeader(name, value);
            }
          });
          return out.send(body);
        })
        .compose(answer -> answer.body().map(answerBody -> {
          request.response().setStatusCode(answer.statusCode());
          String type = answer.getHeader(HttpHeaders.CONTENT_TYPE);
          if (type != null) {
            request.response().putHeader(HttpHeaders.CONTENT_TYPE, type);
          }
          return answerBody;
        })))
        .onSuccess((Buffer answerBody) -> request.response().end(answerBody))
        .onFailure(e -> request.response().setStatusCode(502).end());
  }

  public int port() {
    return server.actualPort();
  }

  /** Requests passed to the registry, with the right credentials. */
  public int authenticated() {
    return authenticated.get();
  }

  /** Requests answered 401. */
  public int refused() {
    return refused.get();
  }

  @Override
  public void close() {
    vertx.close().toCompletionStage().toCompletableFuture().orTimeout(10, TimeUnit.SECONDS).join();
  }
}
