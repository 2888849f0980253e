package dev.idvstreams.simulator;

import dev.idvstreams.aliyun.ErrorClass;
import dev.idvstreams.api.Api;
import java.time.Duration;
import java.util.Optional;
import java.util.Random;

/** Draws, per accepted call, the injected fault (none, a timeout, an error of a class) and the latency. */
final class FaultInjector {

  /** What to do to one call: hold it unanswered, answer an error of a class, or neither. */
  record Fault(boolean timeout, Optional<ErrorClass> errorClass) {
    static final Fault NONE = new Fault(false, Optional.empty());
  }

  private final SimulatorOptions options;
  private final Random random;

  FaultInjector(SimulatorOptions options) {
    this.options = options;
    this.random = new Random(options.seed());
  }

  synchronized Fault draw() {
    double r = random.nextDouble();
    double bound = options.timeoutRate();
    if (r < bound) {
      return new Fault(true, Optional.empty());
    }
    for (ErrorClass errorClass : ErrorClass.values()) {
      bound += options.errorRates().getOrDefault(errorClass, 0.0);
      if (r < bound) {
        return new Fault(false, Optional.of(errorClass));
      }
    }
    return Fault.NONE;
  }

  /** The API's fixed latency plus a uniformly random part in [0, jitter]. */
  synchronized long latencyMillis(Api api) {
    Duration jitter = options.latencyJitter();
    long random = jitter.isZero() ? 0 : (long) (this.random.nextDouble() * (jitter.toMillis() + 1));
    return options.latency(api).toMillis() + random;
  }
}
