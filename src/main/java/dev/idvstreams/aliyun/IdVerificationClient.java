package dev.idvstreams.aliyun;

import dev.idvstreams.api.Api;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.HttpRequest;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import io.vertx.ext.web.client.WebClientOptions;
import java.net.URI;
import java.util.Map;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The three ID Verification operations over a Vert.x Web Client. Each returns a {@link Future} that
 * fails with an {@link ApiException} carrying the provider's code and its {@link ErrorClass}; nothing
 * here blocks an event loop (the credentials are fetched on a worker thread). Logs name the API, the
 * code and the request id, never personal data or the secret.
 */
public final class IdVerificationClient implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(IdVerificationClient.class);

  private final Vertx vertx;
  private final ClientOptions options;
  private final WebClient web;
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
    WebClientOptions http = new WebClientOptions()
        .setConnectTimeout((int) options.connectTimeout().toMillis())
        .setKeepAlive(options.keepAlive())
        .setUserAgent("idv-streams")
        .setFollowRedirects(false);
    this.web = WebClient.create(vertx, http, new PoolOptions().setHttp1MaxSize(options.poolSize()));
  }

  public Future<CredentialVerifyResponse> credentialVerify(CredentialVerifyRequest request) {
    return call(Api.CREDENTIAL_VERIFY_INTL, request.parameters(), answer -> {
      if (answer.isSuccess() && "Success".equalsIgnoreCase(answer.code())) {
        return CredentialVerifyResponse.fromBody(answer.body());
      }
      throw answer.failure();
    });
  }

  public Future<VerifyMaterialResponse> verifyMaterial(VerifyMaterialRequest request) {
    return call(Api.VERIFY_MATERIAL, request.parameters(), answer -> {
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

  /** Sends only: the images are already bytes ({@link #image}). */
  public Future<FaceVerifyResponse> faceVerify(FaceVerifyRequest request) {
    return call(Api.FACE_VERIFY, request.parameters(), answer -> {
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
   */
  public Future<byte[]> image(ImageSource image) {
    if (!image.isUrl()) {
      return Future.succeededFuture(image.content());
    }
    return images.fetch(image.url()).recover(failure -> Future.failedFuture(failure instanceof ImageFetchException fetch
        ? new ApiException(Api.FACE_VERIFY, fetch.code(), null, null, fetch.errorClass())
        : failure));
  }

  @Override
  public void close() {
    web.close();
    if (ownsImages) {
      images.close();
    }
  }

  private <T> Future<T> call(Api api, Map<String, String> params, Function<Answer, T> interpret) {
    long started = System.nanoTime();
    URI endpoint = options.endpoint(api);
    Future<T> result = accessKey()
        .recover(e -> Future.failedFuture(ApiException.of(api, ApiException.CREDENTIALS_UNAVAILABLE, null, null)))
        .compose(key -> send(api, endpoint, params, key))
        .map(response -> interpret.apply(Answer.of(api, response)));
    return result
        .onSuccess(r -> LOG.debug("{} succeeded in {} ms", api.action(), millisSince(started)))
        .onFailure(e -> LOG.info("{} after {} ms", e.getMessage(), millisSince(started)));
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

  private Future<HttpResponse<Buffer>> send(Api api, URI endpoint, Map<String, String> params, AccessKey key) {
    boolean https = "https".equalsIgnoreCase(endpoint.getScheme());
    int port = endpoint.getPort() != -1 ? endpoint.getPort() : https ? 443 : 80;
    String host = endpoint.getHost() + (endpoint.getPort() == -1 ? "" : ":" + endpoint.getPort());
    SignedRequest signed = signer.sign(api, options.signatureVersion(api), host, params, key);
    long timeout = options.requestTimeout().toMillis();
    // the idle timeout frees the connection of an unanswered call; the deadline bounds the whole call
    HttpRequest<Buffer> request = web.request(HttpMethod.POST, port, endpoint.getHost(), "/")
        .ssl(https)
        .idleTimeout(timeout);
    signed.query().forEach(request::addQueryParam);
    signed.headers().forEach(request::putHeader);
    return Deadline.within(vertx, request.sendBuffer(Buffer.buffer(signed.formBody())), timeout,
            () -> ApiException.of(api, ApiException.TIMEOUT, null, null))
        .recover(failure -> Future.failedFuture(failure instanceof ApiException ? failure
            : ApiException.of(api, Deadline.isTimeout(failure) ? ApiException.TIMEOUT : ApiException.NETWORK_ERROR,
                null, null)));
  }

  private static long millisSince(long started) {
    return (System.nanoTime() - started) / 1_000_000;
  }

  /** An HTTP answer with its JSON body; {@link #failure()} is the error it stands for. */
  private record Answer(Api api, int status, JsonObject body) {

    static Answer of(Api api, HttpResponse<Buffer> response) {
      try {
        JsonObject body = response.body() == null ? null : response.bodyAsJsonObject();
        if (body == null) {
          throw ApiException.of(api, ApiException.INVALID_RESPONSE, response.statusCode(), null);
        }
        return new Answer(api, response.statusCode(), body);
      } catch (DecodeException | ClassCastException e) {
        throw ApiException.of(api, ApiException.INVALID_RESPONSE, response.statusCode(), null);
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
