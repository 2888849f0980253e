package dev.idvstreams.aliyun;

import dev.idvstreams.api.Api;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.net.KeyStoreOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import java.net.URI;
import java.util.Map;
import java.util.StringJoiner;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The three ID Verification operations over Vert.x's HTTP client. Each returns a {@link Future} that
 * fails with an {@link ApiException} carrying the provider's code and its {@link ErrorClass}; nothing
 * here blocks an event loop (the credentials are fetched on a worker thread). Logs name the API, the
 * code and the request id, never personal data or the secret.
 *
 * <p>A call ends on the wire when it ends here: past the request timeout, or when the caller's
 * {@code abort} future completes, the HTTP request is reset (its stream, or its connection under
 * HTTP/1.1), so a retry or another owner's call never overlaps it.
 */
public final class IdVerificationClient implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(IdVerificationClient.class);
  /** The largest answer read: theirs are a few KB (docs/provider-apis.md); see {@link #boundedBody}. */
  static final int MAX_ANSWER_BYTES = 256 * 1024;

  private final Vertx vertx;
  private final ClientOptions options;
  private final HttpClientAgent http;
  private final ImageFetcher images;
  private final RequestSigner signer;
  /** Whether {@link #close()} closes {@link #images}: only when this client made it. */
  private final boolean ownsImages;

  public IdVerificationClient(Vertx vertx, ClientOptions options) {
    this(vertx, options, new ImageFetcher(vertx, options.imageFetch()), new RequestSigner(), true);
  }

  /** With an {@link ImageFetcher} of the caller's (another resolver or connector), which the caller closes. */
  public IdVerificationClient(Vertx vertx, ClientOptions options, ImageFetcher images) {
    this(vertx, options, images, new RequestSigner(), false);
  }

  /** With a signer of the test's (a fixed clock or nonce). */
  IdVerificationClient(Vertx vertx, ClientOptions options, ImageFetcher images, RequestSigner signer) {
    this(vertx, options, images, signer, false);
  }

  private IdVerificationClient(Vertx vertx, ClientOptions options, ImageFetcher images, RequestSigner signer,
      boolean ownsImages) {
    this.vertx = vertx;
    this.options = options;
    this.images = images;
    this.signer = signer;
    this.ownsImages = ownsImages;
    HttpClientOptions http = new HttpClientOptions()
        .setConnectTimeout((int) options.connectTimeout().toMillis())
        .setKeepAlive(options.keepAlive())
        .setVerifyHost(true);
    options.trustStore().ifPresent(store -> http.setTrustOptions(new KeyStoreOptions().setType(store.type())
        .setPath(store.path().toString()).setPassword(store.password())));
    this.http = vertx.createHttpClient(http, new PoolOptions().setHttp1MaxSize(options.poolSize()));
  }

  public Future<CredentialVerifyResponse> credentialVerify(CredentialVerifyRequest request) {
    return credentialVerify(request, CallControl.NONE);
  }

  /** @param control when the call may leave, and when it is given up */
  public Future<CredentialVerifyResponse> credentialVerify(CredentialVerifyRequest request, CallControl control) {
    return call(Api.CREDENTIAL_VERIFY_INTL, request.parameters(), control, answer -> {
      if (answer.isSuccess() && "Success".equalsIgnoreCase(answer.code())) {
        return CredentialVerifyResponse.fromBody(answer.body());
      }
      throw answer.failure();
    });
  }

  public Future<VerifyMaterialResponse> verifyMaterial(VerifyMaterialRequest request) {
    return verifyMaterial(request, CallControl.NONE);
  }

  /** @param control when the call may leave, and when it is given up */
  public Future<VerifyMaterialResponse> verifyMaterial(VerifyMaterialRequest request, CallControl control) {
    return call(Api.VERIFY_MATERIAL, request.parameters(), control, answer -> {
      if (!answer.isSuccess() || !"200".equals(answer.code())) {
        throw answer.failure();
      }
      VerifyMaterialResponse response = VerifyMaterialResponse.fromBody(answer.body());
      if (response.verifyStatus() == null) {
        // a success without a verdict is not an answer: retried like any unreadable response
        throw ApiException.of(Api.VERIFY_MATERIAL, ApiException.INVALID_RESPONSE, answer.status(), answer.requestId());
      }
      if (Integer.valueOf(12).equals(response.verifyStatus())) {
        throw ApiException.of(Api.VERIFY_MATERIAL, ApiException.VERIFY_STATUS_12, answer.status(), answer.requestId());
      }
      return response;
    });
  }

  public Future<FaceVerifyResponse> faceVerify(FaceVerifyRequest request) {
    return faceVerify(request, CallControl.NONE);
  }

  /**
   * Sends only: the images are already bytes ({@link #image}).
   *
   * @param control when the call may leave, and when it is given up
   */
  public Future<FaceVerifyResponse> faceVerify(FaceVerifyRequest request, CallControl control) {
    return call(Api.FACE_VERIFY, request.parameters(), control, answer -> {
      if (!answer.isSuccess() || !"200".equals(answer.code())) {
        throw answer.failure();
      }
      FaceVerifyResponse response = FaceVerifyResponse.fromBody(answer.body());
      if (response.data() == null || response.data().passed() == null) {
        throw ApiException.of(Api.FACE_VERIFY, ApiException.INVALID_RESPONSE, answer.status(), answer.requestId());
      }
      String retCode = response.data().retCode();
      // OK_SUCCESS carries the verdict; PROCESSING, SYSTEM_ERROR and UNABLE_GET_IMAGE are errors to classify
      if (retCode != null && !"OK_SUCCESS".equals(retCode)) {
        throw ApiException.of(Api.FACE_VERIFY, retCode, answer.status(), answer.requestId());
      }
      return response;
    });
  }

  /**
   * The bytes of an image for the face API: its own bytes, or downloaded through the guards of
   * {@link ImageFetcher}. A failed download fails with an {@link ApiException} of the face API
   * carrying the download's code and error class, so callers classify one exception type.
   *
   * @param abort completes when the caller gives the download up (see {@link CallControl#abort()})
   */
  public Future<byte[]> image(ImageSource image, Future<Void> abort) {
    if (!image.isUrl()) {
      return Future.succeededFuture(image.content());
    }
    return images.fetch(image.url(), abort).recover(failure -> Future.failedFuture(failure instanceof ImageFetchException fetch
        ? new ApiException(Api.FACE_VERIFY, fetch.code(), null, null, fetch.errorClass())
        : failure));
  }

  @Override
  public void close() {
    http.close();
    if (ownsImages) {
      images.close();
    }
  }

  private <T> Future<T> call(Api api, Map<String, String> params, CallControl control, Function<Answer, T> interpret) {
    long started = System.nanoTime();
    URI endpoint = options.endpoint(api);
    Future<T> result = accessKey()
        .recover(e -> Future.failedFuture(ApiException.of(api, ApiException.CREDENTIALS_UNAVAILABLE, null, null)))
        .compose(key -> send(api, endpoint, params, key, control))
        .map(answer -> interpret.apply(answer));
    return result
        .onSuccess(r -> LOG.debug("{} succeeded in {} ms", api.action(), millisSince(started)))
        .onFailure(e -> LOG.debug("{} after {} ms", e.getMessage(), millisSince(started)));
  }

  private Future<AccessKey> accessKey() {
    CredentialsSource credentials = options.credentials();
    if (credentials.mayBlock()) {
      return vertx.executeBlocking(credentials::current, false);
    }
    try {
      return Future.succeededFuture(credentials.current());
    } catch (Exception e) {
      return Future.failedFuture(e);
    }
  }

  private Future<Answer> send(Api api, URI endpoint, Map<String, String> params, AccessKey key, CallControl control) {
    if (control.abort().isComplete()) {
      return Future.failedFuture(ApiException.of(api, ApiException.ABORTED, null, null));
    }
    boolean https = "https".equalsIgnoreCase(endpoint.getScheme());
    int port = endpoint.getPort() != -1 ? endpoint.getPort() : https ? 443 : 80;
    String host = endpoint.getHost() + (endpoint.getPort() == -1 ? "" : ":" + endpoint.getPort());
    SignedRequest signed = signer.sign(api, options.signatureVersion(api), host, params, key);
    Buffer body = Buffer.buffer(signed.formBody());
    long timeout = options.requestTimeout().toMillis();
    RequestOptions request = new RequestOptions()
        .setMethod(HttpMethod.POST)
        .setHost(endpoint.getHost())
        .setPort(port)
        .setSsl(https)
        .setURI("/" + query(signed.query()))
        .setFollowRedirects(false)
        .putHeader("User-Agent", "idv-streams");
    signed.headers().forEach(request::putHeader);
    Future<Answer> exchange = http.request(request).compose(sending -> {
      // the deadline and the abort both end the call on the wire, not only here
      if (control.mayAbort()) { // a listener on the shared never-completing future would never be freed
        control.abort().onComplete(aborted -> sending.reset());
      }
      // signed, connected: only now may the caller's pacing let it leave
      return control.departure().get()
          .recover(refused -> {
            sending.reset();
            return Future.failedFuture(new Unsent(refused));
          })
          .compose(departed -> Deadline.within(vertx, sending.end(body)
                  .onSuccess(written -> control.sent().run())
                  .compose(written -> sending.response())
                  .compose(response -> boundedBody(api, response).map(raw -> Answer.of(api, response.statusCode(), raw))),
              timeout, () -> ApiException.of(api, ApiException.TIMEOUT, null, null))
              .onFailure(failure -> sending.reset())); // a no-op once answered; ends a timed-out call on the wire
    });
    return exchange.recover(failure -> Future.failedFuture(
        failure instanceof Unsent unsent ? unsent.getCause()
        : failure instanceof ApiException ? failure
        : control.abort().isComplete() ? ApiException.of(api, ApiException.ABORTED, null, null)
        : handshakeFailed(failure) ? ApiException.of(api, ApiException.TLS_HANDSHAKE_FAILED, null, null)
        : ApiException.of(api, Deadline.isTimeout(failure) ? ApiException.TIMEOUT : ApiException.NETWORK_ERROR,
            null, null)));
  }

  /** A certificate refused (not trusted, expired, for another host): not a handshake the network cut, which is retried. */
  private static boolean handshakeFailed(Throwable failure) {
    for (Throwable t = failure; t != null; t = t.getCause()) {
      if (t instanceof java.security.cert.CertificateException || t instanceof java.security.cert.CertPathValidatorException
          || t instanceof javax.net.ssl.SSLPeerUnverifiedException) {
        return true;
      }
    }
    return false;
  }

  /**
   * The answer's body, up to {@link #MAX_ANSWER_BYTES}: a larger one is no answer of these APIs
   * (theirs are a few KB), and buffering it whole would let a broken or hostile endpoint fill the
   * heap, and make a result larger than Kafka takes. It fails as an invalid response, which is
   * retried, and the connection is reset.
   */
  private static Future<Buffer> boundedBody(Api api, HttpClientResponse response) {
    Promise<Buffer> body = Promise.promise();
    Buffer received = Buffer.buffer();
    response.handler(chunk -> {
      if (received.length() + chunk.length() > MAX_ANSWER_BYTES) {
        if (body.tryFail(ApiException.of(api, ApiException.INVALID_RESPONSE, response.statusCode(), null))) {
          response.request().reset();
        }
      } else {
        received.appendBuffer(chunk);
      }
    });
    response.exceptionHandler(body::tryFail);
    response.endHandler(end -> body.tryComplete(received));
    return body.future();
  }

  /** The caller refused the departure: the call ends unsent, with the caller's own failure. */
  private static final class Unsent extends RuntimeException {
    private static final long serialVersionUID = 1L;

    Unsent(Throwable refusal) {
      super(null, refusal, false, false);
    }
  }

  /** The query string of the signed parameters, each name and value percent-encoded as they were signed. */
  private static String query(Map<String, String> parameters) {
    if (parameters.isEmpty()) {
      return "";
    }
    StringJoiner query = new StringJoiner("&", "?", "");
    parameters.forEach((name, value) -> query.add(PercentEncoding.encode(name) + "=" + PercentEncoding.encode(value)));
    return query.toString();
  }

  private static long millisSince(long started) {
    return (System.nanoTime() - started) / 1_000_000;
  }

  /** An HTTP answer with its JSON body; {@link #failure()} is the error it stands for. */
  private record Answer(Api api, int status, JsonObject body) {

    static Answer of(Api api, int status, Buffer raw) {
      try {
        JsonObject body = raw == null || raw.length() == 0 ? null : raw.toJsonObject();
        if (body == null) {
          throw ApiException.of(api, ApiException.INVALID_RESPONSE, status, null);
        }
        return new Answer(api, status, body);
      } catch (DecodeException | ClassCastException e) {
        throw ApiException.of(api, ApiException.INVALID_RESPONSE, status, null);
      }
    }

    boolean isSuccess() {
      return status >= 200 && status < 300;
    }

    /** The body's {@code Code} as text: a string for the cloudauth APIs, a number for SAF. */
    String code() {
      Object code = body.getValue("Code");
      return code instanceof Number n ? String.valueOf(n.intValue()) : code == null ? null : code.toString();
    }

    String requestId() {
      return body.getString("RequestId");
    }

    ApiException failure() {
      String code = code();
      return ApiException.of(api, code != null ? code : "HttpStatus." + status, status, requestId());
    }
  }
}
