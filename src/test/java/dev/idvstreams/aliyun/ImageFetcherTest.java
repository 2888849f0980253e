package dev.idvstreams.aliyun;

import static dev.idvstreams.simulator.SimulatorHarness.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.assertj.core.api.Assertions.fail;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import dev.idvstreams.image.HeaderOnlyJpeg;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The download guards. Tests with addresses off this machine use an injected resolver and an
 * injected connector that fails the test if called, so no packet leaves 127.0.0.1.
 */
class ImageFetcherTest {

  private final Vertx vertx = Vertx.vertx();

  @AfterEach
  void close() {
    await(vertx.close());
  }

  /** A download nobody gives up. */
  private static final Future<Void> NOT_ABORTED = Promise.<Void>promise().future();

  private static final ImageConnector MUST_NOT_CONNECT = (uri, address, maxBytes, timeout, abort) -> {
    fail("connected to " + address + " although the guard should have refused it");
    return Future.failedFuture("unreachable");
  };

  private static HostResolver resolving(Map<String, String> hosts) {
    return host -> {
      try {
        return Future.succeededFuture(List.of(InetAddress.getByAddress(host,
            InetAddress.getByName(hosts.get(host)).getAddress())));
      } catch (UnknownHostException | NullPointerException e) {
        return Future.failedFuture(new UnknownHostException(host));
      }
    };
  }

  @ParameterizedTest
  @ValueSource(strings = {"169.254.169.254", "10.0.0.1", "172.16.5.4", "192.168.1.1", "127.0.0.1", "100.64.0.1",
      "0.0.0.0", "::1", "fd00::1", "fe80::1"})
  void shouldRefusePrivateAddressesWithoutConnecting(String address) {
    ImageFetcher fetcher = new ImageFetcher(vertx, ImageFetchOptions.defaults(),
        resolving(Map.of("images.test", address)), MUST_NOT_CONNECT);

    ImageFetchException e = catchThrowableOfType(ImageFetchException.class,
        () -> await(fetcher.fetch("http://images.test/face.jpg", NOT_ABORTED)));

    assertThat(e.code()).isEqualTo("ImageUrl.AddressRefused");
    assertThat(e.errorClass()).isEqualTo(ErrorClass.INPUT_REJECTED);
  }

  @ParameterizedTest
  @ValueSource(strings = {"file:///etc/passwd", "ftp://images.test/a.jpg", "gopher://images.test/", "jar:file:/x!/y"})
  void shouldRefuseSchemesOtherThanHttp(String url) {
    ImageFetcher fetcher = new ImageFetcher(vertx, ImageFetchOptions.defaults(),
        resolving(Map.of("images.test", "93.184.216.34")), MUST_NOT_CONNECT);

    ImageFetchException e = catchThrowableOfType(ImageFetchException.class, () -> await(fetcher.fetch(url, NOT_ABORTED)));

    assertThat(e.code()).isEqualTo("ImageUrl.Scheme");
  }

  @Test
  void shouldCheckEveryRedirectTargetAgain() {
    List<URI> connected = new ArrayList<>();
    ImageConnector redirectingToMetadata = (uri, address, maxBytes, timeout, abort) -> {
      if (!address.getHostAddress().equals("93.184.216.34")) {
        fail("followed a redirect to " + address);
      }
      connected.add(uri);
      return Future.succeededFuture(new ImageConnector.Response(302, "http://metadata.test/latest/meta-data/", new byte[0]));
    };
    ImageFetcher fetcher = new ImageFetcher(vertx, ImageFetchOptions.defaults(),
        resolving(Map.of("public.test", "93.184.216.34", "metadata.test", "169.254.169.254")), redirectingToMetadata);

    ImageFetchException e = catchThrowableOfType(ImageFetchException.class,
        () -> await(fetcher.fetch("https://public.test/face.jpg", NOT_ABORTED)));

    assertThat(e.code()).isEqualTo("ImageUrl.AddressRefused");
    assertThat(connected).containsExactly(URI.create("https://public.test/face.jpg"));
  }

  @Test
  void shouldStopAfterTooManyRedirects() {
    ImageConnector loop = (uri, address, maxBytes, timeout, abort) ->
        Future.succeededFuture(new ImageConnector.Response(301, "/again", new byte[0]));
    ImageFetcher fetcher = new ImageFetcher(vertx, new ImageFetchOptions(1024, Duration.ofSeconds(5), 2, false),
        resolving(Map.of("public.test", "93.184.216.34")), loop);

    ImageFetchException e = catchThrowableOfType(ImageFetchException.class,
        () -> await(fetcher.fetch("https://public.test/face.jpg", NOT_ABORTED)));

    assertThat(e.code()).isEqualTo("ImageUrl.TooManyRedirects");
  }

  @Test
  void shouldDownloadFromLoopbackOnlyWhenAllowedAndFollowRedirects() {
    byte[] image = TestImages.jpg("");
    HttpServer server = await(vertx.createHttpServer().requestHandler(req -> {
      if (req.path().equals("/moved")) {
        req.response().setStatusCode(302).putHeader("location", "/face.jpg").end();
      } else {
        req.response().end(Buffer.buffer(image));
      }
    }).listen(0, "127.0.0.1"));
    String url = "http://127.0.0.1:" + server.actualPort() + "/moved";

    ImageFetcher allowed = new ImageFetcher(vertx, ImageFetchOptions.defaults().withAllowPrivateAddresses(true));
    ImageFetcher guarded = new ImageFetcher(vertx, ImageFetchOptions.defaults());

    assertThat(await(allowed.fetch(url, NOT_ABORTED))).isEqualTo(image);
    assertThat(catchThrowableOfType(ImageFetchException.class, () -> await(guarded.fetch(url, NOT_ABORTED))).code())
        .isEqualTo("ImageUrl.AddressRefused");
  }

  @ParameterizedTest
  @ValueSource(booleans = {true, false})
  void shouldRefuseImagesOverTheSizeLimit(boolean chunked) {
    HttpServer server = await(vertx.createHttpServer().requestHandler(req -> {
      if (chunked) {
        req.response().setChunked(true);
        for (int i = 0; i < 8; i++) {
          req.response().write(Buffer.buffer(new byte[512]));
        }
        req.response().end();
      } else {
        req.response().end(Buffer.buffer(new byte[4096]));
      }
    }).listen(0, "127.0.0.1"));
    ImageFetcher fetcher = new ImageFetcher(vertx, new ImageFetchOptions(1024, Duration.ofSeconds(5), 0, true));

    ImageFetchException e = catchThrowableOfType(ImageFetchException.class,
        () -> await(fetcher.fetch("http://127.0.0.1:" + server.actualPort() + "/big.jpg", NOT_ABORTED)));

    assertThat(e.code()).isEqualTo("ImageUrl.TooLarge");
  }

  @Test
  void shouldGiveUpOnSlowServerWithinTheTimeLimit() {
    HttpServer silent = await(vertx.createHttpServer().requestHandler(req -> { }).listen(0, "127.0.0.1"));
    ImageFetcher fetcher = new ImageFetcher(vertx, new ImageFetchOptions(1024, Duration.ofMillis(300), 0, true));
    long started = System.nanoTime();

    ImageFetchException e = catchThrowableOfType(ImageFetchException.class,
        () -> await(fetcher.fetch("http://127.0.0.1:" + silent.actualPort() + "/slow.jpg", NOT_ABORTED)));

    assertThat(e.code()).isEqualTo("ImageUrl.Timeout");
    assertThat(e.errorClass()).isEqualTo(ErrorClass.TRANSIENT);
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
  }

  @Test
  void shouldResetADownloadItsCallerGivesUp() {
    java.util.concurrent.atomic.AtomicBoolean connectionClosed = new java.util.concurrent.atomic.AtomicBoolean();
    java.util.concurrent.atomic.AtomicBoolean requested = new java.util.concurrent.atomic.AtomicBoolean();
    // sends part of the body, then nothing: only the timeout (a minute) or a reset ends the download
    HttpServer trickling = await(vertx.createHttpServer().requestHandler(req -> {
      req.connection().closeHandler(v -> connectionClosed.set(true));
      req.response().setChunked(true).write(Buffer.buffer(new byte[16]));
      requested.set(true);
    }).listen(0, "127.0.0.1"));
    ImageFetcher fetcher = new ImageFetcher(vertx, new ImageFetchOptions(1024, Duration.ofMinutes(1), 0, true));
    Promise<Void> abort = Promise.promise();

    Future<byte[]> download = fetcher.fetch("http://127.0.0.1:" + trickling.actualPort() + "/face.jpg", abort.future());
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).untilTrue(requested);
    assertThat(download.isComplete()).isFalse();
    abort.complete();

    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).until(download::isComplete);
    assertThat(download.failed()).isTrue();
    org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).untilTrue(connectionClosed);
  }

  @Test
  void shouldReportHttpErrorsByClass() {
    HttpServer server = await(vertx.createHttpServer()
        .requestHandler(req -> req.response().setStatusCode(req.path().equals("/gone") ? 404 : 503).end())
        .listen(0, "127.0.0.1"));
    ImageFetcher fetcher = new ImageFetcher(vertx, ImageFetchOptions.defaults().withAllowPrivateAddresses(true));
    String base = "http://127.0.0.1:" + server.actualPort();

    assertThat(catchThrowableOfType(ImageFetchException.class, () -> await(fetcher.fetch(base + "/gone", NOT_ABORTED))).errorClass())
        .isEqualTo(ErrorClass.INPUT_REJECTED);
    assertThat(catchThrowableOfType(ImageFetchException.class, () -> await(fetcher.fetch(base + "/busy", NOT_ABORTED))).errorClass())
        .isEqualTo(ErrorClass.TRANSIENT);
  }

  static Stream<Arguments> imagesTheFaceApiCannotTake() {
    return Stream.of(
        Arguments.of("three-byte JPEG", new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF}, "ImageUrl.Header"),
        Arguments.of("50000 x 50000", HeaderOnlyJpeg.of(50000, 50000, "Zhang San"), "ImageUrl.Dimensions"),
        Arguments.of("9000 x 24", HeaderOnlyJpeg.of(9000, 24, "Zhang San"), "ImageUrl.Dimensions"),
        Arguments.of("0 x 0", HeaderOnlyJpeg.of(0, 0, "Zhang San"), "ImageUrl.Dimensions"),
        Arguments.of("7000 x 7000", HeaderOnlyJpeg.of(7000, 7000, "Zhang San"), "ImageUrl.Pixels"),
        Arguments.of("PNG", new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'}, "ImageUrl.Format"),
        Arguments.of("HTML page", "<html>Zhang San</html>".getBytes(), "ImageUrl.Format"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("imagesTheFaceApiCannotTake")
  void shouldRefuseDownloadedBytesTheFaceApiCannotTake(String what, byte[] body, String code) {
    HttpServer server = await(vertx.createHttpServer().requestHandler(req -> req.response().end(Buffer.buffer(body)))
        .listen(0, "127.0.0.1"));
    ImageFetcher fetcher = new ImageFetcher(vertx, ImageFetchOptions.defaults().withAllowPrivateAddresses(true));
    String url = "http://127.0.0.1:" + server.actualPort() + "/secret-path/face.jpg";

    ImageFetchException e = catchThrowableOfType(ImageFetchException.class, () -> await(fetcher.fetch(url, NOT_ABORTED)));

    assertThat(e.code()).isEqualTo(code);
    assertThat(e.errorClass()).isEqualTo(ErrorClass.INPUT_REJECTED);
    assertThat(e.getMessage()).contains("image").doesNotContain("secret-path", "Zhang");
  }

  @Test
  void shouldPassADownloadedJpegWithinTheBounds() {
    byte[] image = HeaderOnlyJpeg.of(16, 8192, "");
    HttpServer server = await(vertx.createHttpServer().requestHandler(req -> req.response().end(Buffer.buffer(image)))
        .listen(0, "127.0.0.1"));
    ImageFetcher fetcher = new ImageFetcher(vertx, ImageFetchOptions.defaults().withAllowPrivateAddresses(true));

    assertThat(await(fetcher.fetch("http://127.0.0.1:" + server.actualPort() + "/face.jpg", NOT_ABORTED))).isEqualTo(image);
  }
}
