package dev.idvstreams.ops;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServer;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The operations endpoints: {@code GET /health/live} and {@code GET /health/ready} answer with the
 * status of {@link HealthCheck} and a JSON body {@code {"state":"RUNNING"}}; {@code GET /metrics}
 * answers with the Prometheus text format of a {@link PrometheusMeterRegistry}.
 */
public final class OpsHttpServer {

  public static final String LIVE_PATH = "/health/live";
  public static final String READY_PATH = "/health/ready";
  public static final String METRICS_PATH = "/metrics";

  /** What {@link PrometheusMeterRegistry#scrape()} writes: the Prometheus text format 0.0.4. */
  private static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";

  private static final Logger LOG = LoggerFactory.getLogger(OpsHttpServer.class);

  private final Vertx vertx;
  private final HealthCheck health;
  private final PrometheusMeterRegistry registry;
  private HttpServer server;

  public OpsHttpServer(Vertx vertx, HealthCheck health, PrometheusMeterRegistry registry) {
    this.vertx = vertx;
    this.health = health;
    this.registry = registry;
  }

  /**
   * Starts serving on {@code host} and {@code port} (0 for a free port).
   *
   * @return the port it listens on
   */
  public Future<Integer> start(String host, int port) {
    Router router = Router.router(vertx);
    router.get(LIVE_PATH).handler(context -> respond(context, health.liveness()));
    router.get(READY_PATH).handler(context -> respond(context, health.readiness()));
    router.get(METRICS_PATH).handler(this::scrape);
    return vertx.createHttpServer()
        .requestHandler(router)
        .listen(port, host)
        .map(listening -> {
          server = listening;
          LOG.info("Serving {}, {} and {} on http://{}:{}", LIVE_PATH, READY_PATH, METRICS_PATH, host,
              listening.actualPort());
          return listening.actualPort();
        });
  }

  /** Stops serving; nothing to do when it never started. */
  public Future<Void> stop() {
    return server == null ? Future.succeededFuture() : server.close();
  }

  private static void respond(RoutingContext context, HealthCheck.Probe probe) {
    context.response()
        .setStatusCode(probe.status())
        .putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
        .end("{\"state\":\"" + probe.state() + "\"}");
  }

  /**
   * Off the event loop: with the Kafka client meters a scrape formats hundreds of lines, and the
   * same Vert.x instance times the API calls. Unordered, so concurrent scrapes do not queue.
   */
  private void scrape(RoutingContext context) {
    vertx.executeBlocking(registry::scrape, false)
        .onSuccess(text -> context.response()
            .putHeader(HttpHeaders.CONTENT_TYPE, PROMETHEUS_TEXT)
            .end(text))
        .onFailure(context::fail);
  }
}
