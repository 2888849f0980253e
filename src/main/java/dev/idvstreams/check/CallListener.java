package dev.idvstreams.check;

import dev.idvstreams.api.Api;
import dev.idvstreams.async.FailureKind;
import java.time.Duration;

/** Told of every API call as it ends and of every retry as it is scheduled, for metrics; called on Vert.x threads, so it must not block. */
public interface CallListener {

  /** @param failure the failed call's kind, or null when the API answered */
  void callEnded(Api api, FailureKind failure, Duration latency);

  void retryScheduled(Api api);
}
