package dev.idvstreams.topology;

import dev.idvstreams.aliyun.ErrorClass;
import dev.idvstreams.avro.CheckType;
import java.time.Duration;

/** Told of every API call as it ends, for metrics; called on Vert.x threads, so it must not block. */
public interface CallListener {

  /** @param failure the failed call's error class, or null when the API answered */
  void callEnded(CheckType api, ErrorClass failure, Duration latency);
}
