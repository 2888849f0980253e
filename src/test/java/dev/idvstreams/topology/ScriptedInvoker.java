package dev.idvstreams.topology;

import dev.idvstreams.api.Api;
import dev.idvstreams.async.CancelScope;
import dev.idvstreams.check.CheckInvoker;
import dev.idvstreams.check.Settlement;
import dev.idvstreams.avro.VerificationRequest;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** A CheckInvoker whose calls stay open until the test answers them. */
final class ScriptedInvoker implements CheckInvoker {

  final List<VerificationRequest> calls = new ArrayList<>();
  final List<CancelScope> scopes = new ArrayList<>();
  private final Map<String, Promise<Settlement>> open = new LinkedHashMap<>();
  private final int bound;
  /** Whether the instance's bound has room ({@link #hasCapacity}) and whether it is below its ceiling ({@link #isBelowMax}). */
  boolean roomInBound = true;
  boolean belowMax = true;
  /** What invoke throws for a bizId, as a fault inside the processor would. */
  private final Map<String, Throwable> faults = new LinkedHashMap<>();

  ScriptedInvoker(int bound) {
    this.bound = bound;
  }

  @Override
  public Future<Settlement> invoke(VerificationRequest request, CancelScope scope) {
    Throwable fault = faults.get(request.getBizId());
    if (fault instanceof RuntimeException runtime) {
      throw runtime;
    } else if (fault instanceof Error error) {
      throw error;
    }
    calls.add(request);
    scopes.add(scope);
    Promise<Settlement> promise = Promise.promise();
    open.put(request.getBizId(), promise);
    return promise.future();
  }

  void failWith(String bizId, Throwable fault) {
    faults.put(bizId, fault);
  }

  void answer(String bizId, Settlement outcome) {
    open.remove(bizId).complete(outcome);
  }

  boolean isOpen(String bizId) {
    return open.containsKey(bizId);
  }

  @Override
  public boolean isHeld(Api api) {
    return false;
  }

  @Override
  public boolean hasCapacity(Api api) {
    return roomInBound; // by default the test bounds each task's slots with inFlightBound
  }

  @Override
  public boolean isBelowMax(Api api) {
    return belowMax;
  }

  @Override
  public int inFlightBound(Api api) {
    return bound;
  }

  @Override
  public void recordServiceTime(Api api, Duration serviceTime) {
  }
}
