package dev.idvstreams.topology;

import dev.idvstreams.avro.CheckType;
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
  private final Map<String, Promise<CheckOutcome>> open = new LinkedHashMap<>();
  private final int bound;

  ScriptedInvoker(int bound) {
    this.bound = bound;
  }

  @Override
  public Future<CheckOutcome> invoke(VerificationRequest request) {
    calls.add(request);
    Promise<CheckOutcome> promise = Promise.promise();
    open.put(request.getBizId(), promise);
    return promise.future();
  }

  void answer(String bizId, CheckOutcome outcome) {
    open.remove(bizId).complete(outcome);
  }

  boolean isOpen(String bizId) {
    return open.containsKey(bizId);
  }

  @Override
  public boolean isHeld(CheckType api) {
    return false;
  }

  @Override
  public int inFlightBound(CheckType api) {
    return bound;
  }

  @Override
  public void recordServiceTime(CheckType api, Duration serviceTime) {
  }
}
