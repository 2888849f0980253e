package dev.idvstreams.check;

import dev.idvstreams.aliyun.FaceVerifyRequest;
import dev.idvstreams.aliyun.IdVerificationClient;
import dev.idvstreams.api.Api;
import dev.idvstreams.async.CallEvents;
import dev.idvstreams.async.CallLane;
import dev.idvstreams.async.CallResult;
import dev.idvstreams.async.CancelScope;
import dev.idvstreams.async.FailureKind;
import dev.idvstreams.avro.VerificationRequest;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * The {@link CheckInvoker} of the provider's APIs: per API, a {@link CheckBinding} (request and
 * result mapping) in front of a {@link CallLane} (limiter, breaker, retry, in-flight bound).
 */
public final class ApiCheckInvoker implements CheckInvoker {

  /** Image downloads go to the images' own hosts, not to the API: no account limit applies. */
  private static final double DOWNLOAD_RATE = 1000;

  /** One API's binding and lane, of matching types. */
  private record Route<Q, A>(CheckBinding<Q, A> binding, CallLane<A> lane) {
  }

  private final Map<Api, Route<?, ?>> routes = new EnumMap<>(Api.class);
  /**
   * Requests started and not settled, per API, from the start of their preparation: a face
   * check's image downloads hold images in memory, so they count against the bound too.
   */
  private final Map<Api, AtomicInteger> started = new EnumMap<>(Api.class);
  private final Clock clock;

  public ApiCheckInvoker(Vertx vertx, IdVerificationClient client, Function<Api, CallLane.Settings> settings, Clock clock,
      CallListener listener) {
    this.clock = clock;
    CallLane<FaceVerifyRequest> downloads = new CallLane<>(vertx,
        settings.apply(Api.FACE_VERIFY).withQps(DOWNLOAD_RATE), false, FailureMapping::classify, CallEvents.NONE);
    add(new CredentialBinding(client), vertx, settings, listener);
    add(new MaterialBinding(client), vertx, settings, listener);
    add(new FaceBinding(client, downloads), vertx, settings, listener);
  }

  private <Q, A> void add(CheckBinding<Q, A> binding, Vertx vertx, Function<Api, CallLane.Settings> settings,
      CallListener listener) {
    Api api = binding.api();
    CallEvents events = new CallEvents() {
      @Override
      public void attemptEnded(FailureKind failure, Duration latency) {
        listener.callEnded(api, failure, latency);
      }

      @Override
      public void retryScheduled() {
        listener.retryScheduled(api);
      }
    };
    // held until the group's split of the limit gives this instance its part (group/ShareAgent)
    started.put(api, new AtomicInteger());
    routes.put(api, new Route<>(binding, new CallLane<>(vertx, settings.apply(api), true, FailureMapping::classify,
        events)));
  }

  /** The call machinery of one API, for metrics and the share of the account limit. */
  public CallLane<?> lane(Api api) {
    return routes.get(api).lane();
  }

  @Override
  public Future<Settlement> invoke(VerificationRequest request, CancelScope scope) {
    Api api = Checks.apiOf(request);
    AtomicInteger inProgress = started.get(api);
    inProgress.incrementAndGet();
    Future<Settlement> settlement;
    try {
      settlement = invoke(routes.get(api), request, scope);
    } catch (RuntimeException bug) {
      settlement = Future.failedFuture(bug); // the caller settles it as an internal error
    }
    return settlement.onComplete(settled -> inProgress.decrementAndGet());
  }

  private <Q, A> Future<Settlement> invoke(Route<Q, A> route, VerificationRequest request, CancelScope scope) {
    return route.binding().prepare(request, scope).compose(prepared -> prepared.fold(
        ready -> route.lane().call(gate -> route.binding().send(ready.value(), gate), scope).map(called -> called.fold(
            answered -> new Settlement.Answered(route.binding().toResult(request, answered.value(), answered.attempts(),
                clock.instant()), answered.serviceTime()),
            failed -> FailureMapping.settle(request, failed, clock.instant()))),
        // a preparation that failed for good made no API call: its attempts were downloads
        failed -> Future.succeededFuture(FailureMapping.settle(request,
            new CallResult.Failure<>(failed.error(), failed.kind(), 0, failed.serviceTime()), clock.instant()))));
  }

  @Override
  public boolean isHeld(Api api) {
    return routes.get(api).lane().isHeld();
  }

  @Override
  public boolean hasCapacity(Api api) {
    return started.get(api).get() < routes.get(api).lane().inFlightBound();
  }

  @Override
  public boolean isBelowMax(Api api) {
    return started.get(api).get() < routes.get(api).lane().inFlightMax();
  }

  @Override
  public int inFlightBound(Api api) {
    return routes.get(api).lane().inFlightBound();
  }

  @Override
  public void recordServiceTime(Api api, Duration serviceTime) {
    routes.get(api).lane().recordServiceTime(serviceTime);
  }
}
