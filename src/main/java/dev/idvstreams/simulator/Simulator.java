package dev.idvstreams.simulator;

import dev.idvstreams.aliyun.ErrorClass;
import dev.idvstreams.api.Api;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.KeyStoreOptions;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import java.time.Clock;
import java.util.Collections;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A local stand-in for the three ID Verification APIs (docs/simulator.md), on 127.0.0.1 only.
 * A call goes through, in order: signature check, the strict per-API QPS limit, the account state,
 * the repeated-call check, fault injection, then the API's {@link ApiBehaviour}; the answer waits
 * the configured latency. {@code GET /_sim/stats} shows the counters (among them the most calls for
 * one business key in flight at once), {@code POST /_sim/account}
 * switches an API's {@link AccountState}. docs/simulator.md describes the outcomes.
 */
public final class Simulator {

  private static final Logger LOG = LoggerFactory.getLogger(Simulator.class);
  private static final String HOST = "127.0.0.1";
  /** Largest request body: two 3 MB images in base64 and some. */
  private static final long MAX_BODY_BYTES = 16L * 1024 * 1024;
  /**
   * Longest request line. The official core SDK sends every parameter in the query string,
   * ExecuteRequest's images in base64 among them: Vert.x's default of 4,096 bytes answered an 8 KB
   * image with an empty body. Two 3 MB images in base64, URL-encoded, fit.
   */
  private static final int MAX_REQUEST_LINE = 16 * 1024 * 1024;

  private final Vertx vertx;
  private final SimulatorOptions options;
  private final SignatureVerifier signatures;
  private final FaultInjector faults;
  private final Map<Api, ApiStats> stats = new EnumMap<>(Api.class);
  private final Map<Api, RepeatGuard> repeats = new EnumMap<>(Api.class);
  private final Map<Api, ApiBehaviour> behaviours = new EnumMap<>(Map.of(
      Api.CREDENTIAL_VERIFY_INTL, new CredentialVerifyBehaviour(),
      Api.VERIFY_MATERIAL, new VerifyMaterialBehaviour(),
      Api.FACE_VERIFY, new FaceVerifyBehaviour()));
  private final Map<Api, AccountState> accountStates = new ConcurrentHashMap<>();
  private HttpServer server;

  public Simulator(Vertx vertx, SimulatorOptions options) {
    this.vertx = vertx;
    this.options = options;
    this.signatures = new SignatureVerifier(options.accessKeys(), Clock.systemUTC());
    this.faults = new FaultInjector(options);
    for (Api api : Api.values()) {
      stats.put(api, new ApiStats(options.qps(api)));
      repeats.put(api, new RepeatGuard(options.repeatWindow().toNanos()));
      accountStates.put(api, AccountState.OK);
    }
  }

  /** Starts listening on 127.0.0.1; the future holds the actual port (a free one when the options say 0). */
  public Future<Integer> start() {
    Router router = Router.router(vertx);
    router.get("/_sim/stats").handler(ctx -> json(ctx, 200, statsJson()));
    router.get("/_sim/arrivals").handler(this::arrivals);
    router.get("/_sim/calls").handler(this::calls);
    router.post("/_sim/account").handler(this::switchAccount);
    router.route("/").handler(this::apiCall);
    HttpServerOptions serving = new HttpServerOptions().setHost(HOST).setPort(options.port())
        .setMaxInitialLineLength(MAX_REQUEST_LINE);
    options.tls().ifPresent(tls -> serving.setSsl(true).setKeyCertOptions(new KeyStoreOptions().setType("PKCS12")
        .setPath(tls.path().toString()).setPassword(tls.password())));
    String scheme = options.tls().isPresent() ? "https" : "http";
    return vertx.createHttpServer(serving)
        .requestHandler(router)
        .invalidRequestHandler(this::invalidRequest)
        .listen()
        .map(started -> {
          this.server = started;
          LOG.info("simulator listening on {}://{}:{}", scheme, HOST, started.actualPort());
          return started.actualPort();
        });
  }

  public Future<Void> stop() {
    return server == null ? Future.succeededFuture() : server.close();
  }

  /** The counters of every API, as {@code GET /_sim/stats} shows them. */
  public Map<Api, ApiStats.Snapshot> stats() {
    Map<Api, ApiStats.Snapshot> snapshot = new EnumMap<>(Api.class);
    stats.forEach((api, s) -> snapshot.put(api, s.snapshot()));
    return Collections.unmodifiableMap(snapshot);
  }

  /** When each accepted call of {@code api} arrived, in {@link System#nanoTime()}, in order: the raw data of a rate over time. */
  public long[] acceptedArrivals(Api api) {
    return stats.get(api).acceptedArrivals();
  }

  /** The business keys of {@code api} called more than once, with the times of their calls (ms since the epoch). */
  public Map<String, List<Long>> keysCalledMoreThanOnce(Api api) {
    return stats.get(api).keysCalled(2);
  }

  /**
   * Every business key of {@code api} called, with the times of its calls (ms since the epoch); the
   * key is VerifyMaterial's {@code BizId}, else a hash of the call's parameters.
   */
  public Map<String, List<Long>> callTimes(Api api) {
    return stats.get(api).keysCalled(1);
  }

  public void accountState(Api api, AccountState state) {
    accountStates.put(api, state);
    LOG.info("account state of {} is now {}", api.action(), state.label());
  }

  private JsonObject statsJson() {
    JsonObject json = new JsonObject();
    stats().forEach((api, s) -> json.put(api.action(), s.toJson()));
    return json;
  }

  /** {@code GET /_sim/arrivals?api=<Action>}: {@link #acceptedArrivals}, for a test whose simulator runs in another JVM. */
  private void arrivals(RoutingContext ctx) {
    queriedApi(ctx).ifPresent(api -> {
      io.vertx.core.json.JsonArray nanos = new io.vertx.core.json.JsonArray();
      for (long arrival : acceptedArrivals(api)) {
        nanos.add(arrival);
      }
      json(ctx, 200, new JsonObject().put("api", api.action()).put("acceptedArrivalsNanos", nanos));
    });
  }

  /** {@code GET /_sim/calls?api=<Action>}: {@link #callTimes}, for a test whose simulator runs in another JVM. */
  private void calls(RoutingContext ctx) {
    queriedApi(ctx).ifPresent(api -> {
      JsonObject keys = new JsonObject();
      callTimes(api).forEach((key, times) -> keys.put(key, new io.vertx.core.json.JsonArray(List.copyOf(times))));
      json(ctx, 200, new JsonObject().put("api", api.action()).put("callTimesMillis", keys));
    });
  }

  /** The API of {@code ?api=}, or empty after answering 400. */
  private static Optional<Api> queriedApi(RoutingContext ctx) {
    Optional<Api> api = Api.byAction(String.valueOf(ctx.queryParams().get("api")));
    if (api.isEmpty()) {
      json(ctx, 400, new JsonObject().put("error", "expected ?api=<CredentialVerifyIntl|VerifyMaterial|ExecuteRequest>"));
    }
    return api;
  }

  /**
   * A request Vert.x could not parse (a request line or headers over their limits): answered in the
   * gateway's error shape, as a client expects, never with an empty body. The provider's own limits
   * are not documented; these codes are the simulator's.
   */
  private void invalidRequest(io.vertx.core.http.HttpServerRequest request) {
    Throwable cause = request.decoderResult().cause();
    String name = cause == null ? "" : cause.getClass().getSimpleName();
    boolean lineTooLong = name.contains("TooLongHttpLine") || name.contains("TooLongFrame");
    ApiAnswer answer = ApiErrors.gatewayShaped(lineTooLong ? 414 : 400,
        lineTooLong ? "RequestURITooLong" : "InvalidRequest",
        lineTooLong ? "The request line is longer than " + MAX_REQUEST_LINE + " bytes." : "The request could not be read.",
        UUID.randomUUID().toString().toUpperCase());
    request.response().setStatusCode(answer.status()).putHeader("content-type", "application/json;charset=utf-8")
        .putHeader("connection", "close").end(answer.body().encode());
  }

  private void switchAccount(RoutingContext ctx) {
    try {
      accountState(Api.parse(ctx.queryParams().get("api")), AccountState.parse(ctx.queryParams().get("state")));
      json(ctx, 200, new JsonObject().put("api", ctx.queryParams().get("api")).put("state", ctx.queryParams().get("state")));
    } catch (IllegalArgumentException | NullPointerException e) {
      json(ctx, 400, new JsonObject().put("error", "expected ?api=<CredentialVerifyIntl|VerifyMaterial|ExecuteRequest>&state=<OK|InDebt|AccessDenied>"));
    }
  }

  private void apiCall(RoutingContext ctx) {
    // the limit counts a call when it arrives, as a gateway does, not after its body is read and its
    // signature checked: that work is the simulator's own, and a slow moment in it must not bunch arrivals
    long arrived = System.nanoTime();
    String length = ctx.request().getHeader("content-length");
    if (length != null && Long.parseLong(length.trim()) > MAX_BODY_BYTES) {
      send(ctx, ApiErrors.gatewayShaped(413, "RequestEntityTooLarge", "The request body is larger than "
          + MAX_BODY_BYTES + " bytes.", UUID.randomUUID().toString().toUpperCase()));
      return;
    }
    ctx.request().body().onSuccess(body -> {
      IncomingCall call = IncomingCall.of(ctx.request().method().name(), ctx.request().path(), ctx.request().query(),
          ctx.request().headers(), body.getBytes());
      String requestId = UUID.randomUUID().toString().toUpperCase();
      Optional<Api> api = Api.byAction(call.action());
      if (api.isEmpty()) {
        send(ctx, ApiErrors.gatewayShaped(404, "InvalidAction.NotFound",
            "Specified api is not found, please check your url and method.", requestId));
        return;
      }
      // in flight per business key from here until the answer is sent (or the connection is gone),
      // for every call naming the API, so even one throttled at once is counted while it is processed
      Map<String, String> params = call.businessParameters();
      String key = behaviours.get(api.get()).repeatKey(params);
      Runnable ended = stats.get(api.get()).inFlight(key);
      ctx.addEndHandler(done -> ended.run());
      if (ctx.response().closed()) {
        ended.run();
      }
      Optional<ApiAnswer> answer = answer(api.get(), call, params, key, requestId, arrived);
      if (answer.isEmpty()) {
        // an injected timeout: hold the call unanswered, then drop the connection
        vertx.setTimer(options.timeoutHold().toMillis(), id -> ctx.request().connection().close());
        return;
      }
      long delay = faults.latencyMillis(api.get());
      if (delay > 0) {
        vertx.setTimer(delay, id -> send(ctx, answer.get()));
      } else {
        send(ctx, answer.get());
      }
    }).onFailure(e -> ctx.fail(400, e));
  }

  /**
   * The answer to an API call, or empty when the call is to go unanswered; {@code params} are the
   * call's business parameters, {@code key} its repeat key.
   */
  private Optional<ApiAnswer> answer(Api api, IncomingCall call, Map<String, String> params, String key,
      String requestId, long arrived) {
    ApiStats counters = stats.get(api);
    counters.call();
    Optional<String> badSignature = signatures.check(call);
    if (badSignature.isPresent()) {
      counters.signatureFailure();
      return Optional.of(ApiErrors.answer(api, badSignature.get(), requestId));
    }
    counters.signed(call.signatureVersion());
    if (!counters.admit(arrived)) {
      return Optional.of(ApiErrors.answer(api, ApiErrors.faultCode(api, ErrorClass.THROTTLED), requestId));
    }
    AccountState state = accountStates.get(api);
    if (state != AccountState.OK) {
      return Optional.of(ApiErrors.answer(api, ApiErrors.accountCode(api, state), requestId));
    }
    if (repeats.get(api).isRepeat(key, arrived)) {
      counters.repeat();
      return Optional.of(ApiErrors.answer(api, ApiErrors.faultCode(api, ErrorClass.REPEATED), requestId));
    }
    FaultInjector.Fault fault = faults.draw();
    if (fault.timeout()) {
      return Optional.empty();
    }
    if (fault.errorClass().isPresent()) {
      return Optional.of(ApiErrors.answer(api, ApiErrors.faultCode(api, fault.errorClass().get()), requestId));
    }
    return Optional.of(behaviours.get(api).answer(params, requestId));
  }

  private static void send(RoutingContext ctx, ApiAnswer answer) {
    json(ctx, answer.status(), answer.body());
  }

  private static void json(RoutingContext ctx, int status, JsonObject body) {
    ctx.response().setStatusCode(status).putHeader("content-type", "application/json;charset=utf-8")
        .end(body.encode());
  }
}
