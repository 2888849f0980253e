package dev.idvstreams.topology;

import dev.idvstreams.aliyun.ApiException;
import dev.idvstreams.aliyun.CredentialVerifyRequest;
import dev.idvstreams.aliyun.CredentialVerifyResponse;
import dev.idvstreams.aliyun.ErrorClass;
import dev.idvstreams.aliyun.FaceVerifyRequest;
import dev.idvstreams.aliyun.FaceVerifyResponse;
import dev.idvstreams.aliyun.IdVerificationClient;
import dev.idvstreams.aliyun.ImageFetchException;
import dev.idvstreams.aliyun.ImageSource;
import dev.idvstreams.aliyun.VerifyMaterialRequest;
import dev.idvstreams.aliyun.VerifyMaterialResponse;
import dev.idvstreams.async.AdaptiveRateLimiter;
import dev.idvstreams.async.AsyncCaller;
import dev.idvstreams.async.CircuitBreaker;
import dev.idvstreams.async.ConcurrencyBound;
import dev.idvstreams.async.FailureKind;
import dev.idvstreams.async.Outcome;
import dev.idvstreams.async.RetryPolicy;
import dev.idvstreams.avro.CheckType;
import dev.idvstreams.avro.CredentialCheck;
import dev.idvstreams.avro.FaceCheck;
import dev.idvstreams.avro.Image;
import dev.idvstreams.avro.MaterialCheck;
import dev.idvstreams.avro.VerificationRequest;
import dev.idvstreams.avro.VerificationResult;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * The {@link CheckInvoker} of the real APIs: per API, one lane of the async parts (rate limiter,
 * circuit breaker, retry policy, in-flight bound) in front of the {@link IdVerificationClient}.
 * Maps requests to the client's operations and the answers to results.
 */
public final class AliyunCheckInvoker implements CheckInvoker {

  /** One API's limits, from the configuration. */
  public record LaneSettings(double qps, int inFlightMax, double inFlightHeadroom, int maxAttempts,
      Duration backoffInitial, Duration backoffMax, Duration deadline, Duration probeInterval, Duration probeIntervalMax) {
  }

  /** One API's async parts. */
  public record Lane(AdaptiveRateLimiter limiter, CircuitBreaker breaker, ConcurrencyBound bound, AsyncCaller<Object> caller) {
  }

  /**
   * The limiter spaces permits at 1/(0.95 × limit): calls are granted on time here but reach the
   * API a few milliseconds apart from that (event-loop and network jitter), and the API counts
   * arrivals in any 1-second window. 5% leaves 50 ms of jitter at any rate, for 95% utilisation.
   */
  static final double ARRIVAL_JITTER_MARGIN = 0.95;
  /** Unknown: one call per API until the first answer shows how long calls take (a slow start). */
  private static final Duration INITIAL_SERVICE_TIME = Duration.ZERO;
  private static final double SERVICE_TIME_SMOOTHING = 0.2;
  private static final Duration HOLD_RECHECK = Duration.ofMillis(200);
  private static final Duration MIN_BACKLOG = Duration.ofMillis(500);
  /** Image downloads go to the images' own hosts, not to the API: no account limit applies. */
  private static final double DOWNLOAD_RATE = 1000;

  private final IdVerificationClient client;
  private final Map<CheckType, Lane> lanes = new EnumMap<>(CheckType.class);
  private final Map<CheckType, AtomicInteger> pending = new EnumMap<>(CheckType.class);
  private final Map<CheckType, Integer> inFlightMax = new EnumMap<>(CheckType.class);
  private final AsyncCaller<FaceVerifyRequest> downloads;
  private final Clock clock;
  private final CallListener listener;

  public AliyunCheckInvoker(Vertx vertx, IdVerificationClient client, Function<CheckType, LaneSettings> settings, Clock clock,
      CallListener listener) {
    this.client = client;
    this.clock = clock;
    this.listener = listener;
    LaneSettings face = settings.apply(CheckType.FACE);
    // images are downloaded before the face API's paced call: retried like calls, not rate limited
    this.downloads = new AsyncCaller<>(vertx,
        new AdaptiveRateLimiter(DOWNLOAD_RATE, AdaptiveRateLimiter.Settings.defaults(), System::nanoTime),
        new CircuitBreaker(face.probeInterval(), face.probeIntervalMax(), 2.0, System::nanoTime),
        retryPolicy(face), AliyunCheckInvoker::classify, HOLD_RECHECK, System::nanoTime);
    for (CheckType api : CheckType.values()) {
      LaneSettings s = settings.apply(api);
      AdaptiveRateLimiter limiter = new AdaptiveRateLimiter(s.qps() * ARRIVAL_JITTER_MARGIN, AdaptiveRateLimiter.Settings.defaults(), System::nanoTime);
      CircuitBreaker breaker = new CircuitBreaker(s.probeInterval(), s.probeIntervalMax(), 2.0, System::nanoTime);
      RetryPolicy retry = retryPolicy(s);
      ConcurrencyBound bound = new ConcurrencyBound(s.inFlightHeadroom(), s.inFlightMax(), SERVICE_TIME_SMOOTHING, INITIAL_SERVICE_TIME);
      AsyncCaller<Object> caller = new AsyncCaller<>(vertx, limiter, breaker, retry, AliyunCheckInvoker::classify,
        HOLD_RECHECK, System::nanoTime);
      lanes.put(api, new Lane(limiter, breaker, bound, caller));
      pending.put(api, new AtomicInteger());
      inFlightMax.put(api, s.inFlightMax());
    }
  }

  private static RetryPolicy retryPolicy(LaneSettings s) {
    return new RetryPolicy(s.backoffInitial(), s.backoffMax(), s.maxAttempts(), s.deadline(),
        RetryPolicy.RETRYABLE_BY_DEFAULT, () -> ThreadLocalRandom.current().nextDouble());
  }

  /** The lane of one API, for metrics and the share of the account limit. */
  public Lane lane(CheckType api) {
    return lanes.get(api);
  }

  /** Requests of one API started and not finished: in a call, waiting for a token, in backoff or held. */
  public int pending(CheckType api) {
    return pending.get(api).get();
  }

  @Override
  public Future<CheckOutcome> invoke(VerificationRequest request) {
    CheckType api = CheckTypes.of(request);
    pending.get(api).incrementAndGet();
    Future<Outcome<Object>> outcome = api == CheckType.FACE
        ? downloads.call(() -> client.withImagesFetched(faceRequest((FaceCheck) request.getCheck())))
            .compose(download -> download instanceof Outcome.Success<FaceVerifyRequest> fetched
                ? lanes.get(api).caller().call(() -> timed(api, client.faceVerify(fetched.value()).map(r -> r)))
                : Future.succeededFuture(asCallOutcome((Outcome.Failure<FaceVerifyRequest>) download)))
        : lanes.get(api).caller().call(() -> timed(api, attempt(api, request)));
    return outcome.map(done -> toCheckOutcome(request, done)).onComplete(done -> pending.get(api).decrementAndGet());
  }

  /** A download that failed for good ends the request as a call would have, with no call made. */
  private static Outcome<Object> asCallOutcome(Outcome.Failure<FaceVerifyRequest> download) {
    return new Outcome.Failure<>(download.error(), download.kind(), 0, download.serviceTime());
  }


  private Future<Object> timed(CheckType api, Future<Object> call) {
    long start = System.nanoTime();
    return call.onComplete(done -> listener.callEnded(api, done.succeeded() ? null : errorClassOf(done.cause()),
      Duration.ofNanos(System.nanoTime() - start)));
  }

  /**
   * Little's law on the service time, but never less than half a second of calls at the current
   * rate: admitted requests also wait for tokens, and one stream thread serves all three APIs, so
   * while it waits at one API's bound the others need a backlog of their own to stay at their rate.
   * Until the API's first answer the bound stays 1 (the slow start of {@link ConcurrencyBound}).
   */
  @Override
  public int inFlightBound(CheckType api) {
    Lane lane = lanes.get(api);
    if (lane.bound().averageServiceTime().isZero()) {
      return 1;
    }
    double rate = lane.limiter().currentRate();
    int backlog = (int) Math.ceil(rate * MIN_BACKLOG.toMillis() / 1000.0);
    return Math.min(inFlightMax.get(api), Math.max(backlog, lane.bound().boundFor(rate)));
  }

  @Override
  public boolean isHeld(CheckType api) {
    return lanes.get(api).breaker().state() != CircuitBreaker.State.CLOSED;
  }

  @Override
  public void recordServiceTime(CheckType api, Duration serviceTime) {
    lanes.get(api).bound().recordServiceTime(serviceTime);
  }

  private Future<Object> attempt(CheckType api, VerificationRequest request) {
    return switch (api) {
      case CREDENTIAL -> client.credentialVerify(credentialRequest((CredentialCheck) request.getCheck())).map(r -> r);
      case MATERIAL -> client.verifyMaterial(materialRequest(request)).map(r -> r);
      case FACE -> throw new IllegalStateException("face checks download their images first: see invoke");
    };
  }


  private CheckOutcome toCheckOutcome(VerificationRequest request, Outcome<Object> outcome) {
    if (outcome instanceof Outcome.Success<Object> success) {
      Object answer = success.value();
      VerificationResult result;
      if (answer instanceof CredentialVerifyResponse r) {
        result = ResultMapping.credential(request, r, success.attempts(), clock.instant());
      } else if (answer instanceof VerifyMaterialResponse r) {
        result = ResultMapping.material(request, r, success.attempts(), clock.instant());
      } else {
        result = ResultMapping.face(request, (FaceVerifyResponse) answer, success.attempts(), clock.instant());
      }
      return new CheckOutcome.Answered(result, success.serviceTime());
    }
    Outcome.Failure<Object> failure = (Outcome.Failure<Object>) outcome;
    Throwable error = failure.error();
    String code = codeOf(error);
    if (failure.kind() == FailureKind.INPUT_REJECTED) {
      return new CheckOutcome.Answered(ResultMapping.inputRejected(request, code, ResultMapping.requestIdOf(error),
        failure.attempts(), clock.instant()), failure.serviceTime());
    }
    Integer httpStatus = error instanceof ApiException api ? api.httpStatus() : null;
    return new CheckOutcome.Failed(code, failure.kind() + " after " + failure.attempts() + " attempt(s): " + describe(error),
      httpStatus, failure.attempts(), failure.serviceTime());
  }

  private static ErrorClass errorClassOf(Throwable error) {
    return error instanceof ApiException api ? api.errorClass()
      : error instanceof ImageFetchException image ? image.errorClass() : null;
  }

  static FailureKind classify(Throwable error) {
    ErrorClass errorClass = errorClassOf(error);
    if (errorClass == null) {
      return FailureKind.FATAL;
    }
    return switch (errorClass) {
      case THROTTLED -> FailureKind.THROTTLED;
      case TRANSIENT -> FailureKind.TRANSIENT;
      case REPEATED -> FailureKind.REPEATED;
      case INPUT_REJECTED -> FailureKind.INPUT_REJECTED;
      case ACCOUNT -> FailureKind.ACCOUNT;
    };
  }

  /** The client's exceptions carry no personal data; any other's message might quote the request. */
  private static String describe(Throwable error) {
    return error instanceof ApiException || error instanceof ImageFetchException ? error.getMessage() : error.getClass().getName();
  }

  private static String codeOf(Throwable error) {
    if (error instanceof ApiException api) {
      return api.code();
    }
    if (error instanceof ImageFetchException image) {
      return image.code();
    }
    return error.getClass().getSimpleName();
  }

  private static CredentialVerifyRequest credentialRequest(CredentialCheck check) {
    return new CredentialVerifyRequest(check.getCredType(), check.getCredName(), check.getProductCode(), source(check.getImage()));
  }

  private static VerifyMaterialRequest materialRequest(VerificationRequest request) {
    MaterialCheck check = (MaterialCheck) request.getCheck();
    return new VerifyMaterialRequest(request.getBizId(), check.getBizType(), check.getName(), check.getIdCardNumber(),
      check.getFaceImage().getUrl(), urlOrNull(check.getIdCardFrontImage()), urlOrNull(check.getIdCardBackImage()),
      request.getUserId(), null);
  }

  private static FaceVerifyRequest faceRequest(FaceCheck check) {
    return new FaceVerifyRequest(check.getResourceCode(), source(check.getRefFace()), source(check.getAuthFace()));
  }

  private static String urlOrNull(Image image) {
    return image == null ? null : image.getUrl();
  }

  /** Validation has made sure exactly one of url or content is set. */
  private static ImageSource source(Image image) {
    if (image.getUrl() != null) {
      return ImageSource.ofUrl(image.getUrl());
    }
    ByteBuffer content = image.getContent().duplicate();
    byte[] bytes = new byte[content.remaining()];
    content.get(bytes);
    return ImageSource.ofBytes(bytes);
  }
}
