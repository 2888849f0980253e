package dev.idvstreams.topology;

import dev.idvstreams.avro.VerificationResult;
import java.time.Duration;

/** How the API call for one request ended: a business result, or a failure for the dead-letter topic. */
public sealed interface CheckOutcome {

  int attempts();

  /** Time spent in calls and retry backoffs: what the in-flight bound learns from. */
  Duration serviceTime();

  /** The API answered; {@code result} is complete but for {@code replayed}, which is false. */
  record Answered(VerificationResult result, Duration serviceTime) implements CheckOutcome {
    @Override
    public int attempts() {
      return result.getAttempts();
    }
  }

  /** No result after the retries allowed: a dead letter at stage PROVIDER. */
  record Failed(String errorCode, String errorMessage, Integer httpStatus, int attempts, Duration serviceTime)
      implements CheckOutcome {
  }
}
