package dev.idvstreams.aliyun;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import java.net.InetAddress;
import java.net.URI;

/** The {@link ImageConnector} over a Vert.x HTTP client: connects to the vetted address, names the host in {@code Host} and TLS. */
final class VertxImageConnector implements ImageConnector {

  private final HttpClient client;

  VertxImageConnector(Vertx vertx) {
    this.client = vertx.createHttpClient(new HttpClientOptions().setVerifyHost(true));
  }

  @Override
  public Future<Response> get(URI uri, InetAddress address, long maxBytes, long timeoutMillis, Future<Void> abort) {
    boolean https = "https".equalsIgnoreCase(uri.getScheme());
    int port = uri.getPort() != -1 ? uri.getPort() : https ? 443 : 80;
    String path = (uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath())
        + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
    RequestOptions options = new RequestOptions()
        .setMethod(HttpMethod.GET)
        .setServer(SocketAddress.inetSocketAddress(port, address.getHostAddress()))
        .setHost(uri.getHost())
        .setPort(port)
        .setSsl(https)
        .setURI(path)
        .setFollowRedirects(false)
        .setConnectTimeout(timeoutMillis)
        .setIdleTimeout(timeoutMillis);
    return client.request(options)
        .compose(request -> {
          // a download given up (its task closed) stops at once instead of running to its timeout
          abort.onComplete(given -> request.reset());
          return request.send();
        })
        .compose(response -> readBounded(response, maxBytes));
  }

  void close() {
    client.close();
  }

  private static Future<Response> readBounded(HttpClientResponse response, long maxBytes) {
    String length = response.getHeader(HttpHeaders.CONTENT_LENGTH);
    if (length != null && Long.parseLong(length.trim()) > maxBytes) {
      response.request().reset();
      return Future.failedFuture(tooLarge(maxBytes));
    }
    Promise<Response> promise = Promise.promise();
    Buffer body = Buffer.buffer();
    response.handler(chunk -> {
      body.appendBuffer(chunk);
      if (body.length() > maxBytes) {
        promise.tryFail(tooLarge(maxBytes)); // first: the reset below fails the response too
        response.request().reset();
      }
    });
    response.exceptionHandler(promise::tryFail);
    response.endHandler(v -> promise.tryComplete(
        new Response(response.statusCode(), response.getHeader(HttpHeaders.LOCATION), body.getBytes())));
    return promise.future();
  }

  private static ImageFetchException tooLarge(long maxBytes) {
    return new ImageFetchException("ImageUrl.TooLarge", ErrorClass.INPUT_REJECTED, "over " + maxBytes + " bytes");
  }
}
