package dev.idvstreams.check;

import dev.idvstreams.avro.VerificationResult;
import java.time.Duration;

/**
 * How one request's check settled once its API calls ended: a business result to publish, or a
 * failure to dead-letter at stage PROVIDER. Not to be confused with the result's business
 * {@link dev.idvstreams.avro.Outcome} (PASS, FAIL...) nor with one call's
 * {@link dev.idvstreams.async.CallResult}.
 */
public sealed interface Settlement {

  int attempts();

  /** Time spent in calls and retry backoffs: what the in-flight bound learns from. */
  Duration serviceTime();

  /** The API answered; {@code result} is complete but for {@code replayed}, which is false. */
  record Answered(VerificationResult result, Duration serviceTime) implements Settlement {
    @Override
    public int attempts() {
      return result.getAttempts();
    }
  }

  /** No result after the retries allowed: a dead letter at stage PROVIDER. */
  record Failed(String errorCode, String errorMessage, Integer httpStatus, int attempts, Duration serviceTime)
      implements Settlement {
  }
}
