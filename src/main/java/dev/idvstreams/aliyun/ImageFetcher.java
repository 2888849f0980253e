package dev.idvstreams.aliyun;

import dev.idvstreams.image.ImageRules;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.net.InetAddress;
import java.net.URI;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * Downloads an image URL with the guards of docs/provider-apis.md#face-verification-request: http
 * and https only, at most {@code maxBytes}, the whole download (redirects included) within
 * {@code timeout}, at most {@code maxRedirects} redirects, each one's target checked again, and
 * private, loopback and link-local addresses refused unless allowed. Every address a name resolves
 * to must pass. The bytes must then pass {@link ImageRules#face}, as inline face images do in
 * validation, so nothing the API cannot take becomes a billed call.
 */
public final class ImageFetcher implements AutoCloseable {

  private final Vertx vertx;
  private final ImageFetchOptions options;
  private final HostResolver resolver;
  private final ImageConnector connector;
  private final ImageRules rules;

  public ImageFetcher(Vertx vertx, ImageFetchOptions options, HostResolver resolver, ImageConnector connector) {
    this.vertx = vertx;
    this.options = options;
    this.resolver = resolver;
    this.connector = connector;
    this.rules = ImageRules.face(options.maxBytes());
  }

  /** With the JDK's resolver and a Vert.x HTTP client. */
  public ImageFetcher(Vertx vertx, ImageFetchOptions options) {
    this(vertx, options, HostResolver.system(vertx), new VertxImageConnector(vertx));
  }

  /**
   * The image's bytes, or a failure with an {@link ImageFetchException}.
   *
   * @param abort completes when the caller gives the download up: a request on the wire is reset
   */
  public Future<byte[]> fetch(String url, Future<Void> abort) {
    long deadline = System.nanoTime() + options.timeout().toNanos();
    Future<byte[]> download = Future.succeededFuture(url)
        .compose(u -> fetch(parse(u), options.maxRedirects(), deadline, abort))
        .map(this::accepted);
    return Deadline.within(vertx, download, options.timeout().toMillis(),
            () -> new ImageFetchException("ImageUrl.Timeout", ErrorClass.TRANSIENT, null))
        .recover(ImageFetcher::asFetchFailure);
  }

  /** Closes the default connector's HTTP client; an injected connector is its owner's to close. */
  @Override
  public void close() {
    if (connector instanceof VertxImageConnector own) {
      own.close();
    }
  }

  private Future<byte[]> fetch(URI uri, int redirectsLeft, long deadline, Future<Void> abort) {
    return resolver.resolve(uri.getHost())
        .recover(e -> Future.failedFuture(new ImageFetchException("ImageUrl.UnknownHost", ErrorClass.INPUT_REJECTED, null)))
        .compose(addresses -> connector.get(uri, vetted(addresses), options.maxBytes(), remainingMillis(deadline), abort))
        .compose(response -> {
          int status = response.status();
          if (status >= 300 && status < 400 && response.location() != null) {
            if (redirectsLeft == 0) {
              return Future.failedFuture(new ImageFetchException("ImageUrl.TooManyRedirects", ErrorClass.INPUT_REJECTED, null));
            }
            return fetch(parse(uri.resolve(response.location()).toString()), redirectsLeft - 1, deadline, abort);
          }
          if (status < 200 || status >= 300) {
            return Future.failedFuture(new ImageFetchException("ImageUrl.HttpStatus", status >= 500 || status == 429
                ? ErrorClass.TRANSIENT : ErrorClass.INPUT_REJECTED, "HTTP " + status));
          }
          return Future.succeededFuture(response.body());
        });
  }

  private byte[] accepted(byte[] image) {
    rules.check("image", image).ifPresent(refusal -> {
      throw new ImageFetchException(code(refusal.breach()), ErrorClass.INPUT_REJECTED, refusal.message());
    });
    return image;
  }

  private static String code(ImageRules.Breach breach) {
    return switch (breach) {
      case TOO_LARGE -> "ImageUrl.TooLarge";
      case FORMAT -> "ImageUrl.Format";
      case HEADER -> "ImageUrl.Header";
      case DIMENSIONS -> "ImageUrl.Dimensions";
      case PIXELS -> "ImageUrl.Pixels";
    };
  }

  private InetAddress vetted(List<InetAddress> addresses) {
    if (addresses.isEmpty()) {
      throw new ImageFetchException("ImageUrl.UnknownHost", ErrorClass.INPUT_REJECTED, null);
    }
    if (!options.allowPrivateAddresses() && !addresses.stream().allMatch(AddressPolicy::isPublic)) {
      throw new ImageFetchException("ImageUrl.AddressRefused", ErrorClass.INPUT_REJECTED,
          "a private, loopback or link-local address");
    }
    return addresses.get(0);
  }

  private static URI parse(String url) {
    URI uri;
    try {
      uri = URI.create(url);
    } catch (IllegalArgumentException e) {
      throw new ImageFetchException("ImageUrl.Invalid", ErrorClass.INPUT_REJECTED, null);
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) {
      throw new ImageFetchException("ImageUrl.Scheme", ErrorClass.INPUT_REJECTED, "only http and https");
    }
    if (uri.getHost() == null || uri.getHost().isEmpty()) {
      throw new ImageFetchException("ImageUrl.Invalid", ErrorClass.INPUT_REJECTED, null);
    }
    return uri;
  }

  private static long remainingMillis(long deadline) {
    return Math.max(1, TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()));
  }

  private static Future<byte[]> asFetchFailure(Throwable failure) {
    if (failure instanceof ImageFetchException) {
      return Future.failedFuture(failure);
    }
    if (Deadline.isTimeout(failure)) {
      return Future.failedFuture(new ImageFetchException("ImageUrl.Timeout", ErrorClass.TRANSIENT, null));
    }
    return Future.failedFuture(new ImageFetchException("ImageUrl.Unreachable", ErrorClass.TRANSIENT,
        failure.getClass().getSimpleName()));
  }
}
