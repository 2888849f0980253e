package dev.idvstreams.check;

import dev.idvstreams.aliyun.ApiException;
import dev.idvstreams.async.CallResult;
import dev.idvstreams.async.FailureKind;
import dev.idvstreams.avro.VerificationRequest;
import java.time.Instant;

/**
 * Failures of the client in the terms of the async parts and of the topology. Every failure the
 * client reports is an {@link ApiException} (failed image downloads included); anything else is a
 * bug, FATAL, described by its class only because its message might quote the request.
 */
final class FailureMapping {

  private FailureMapping() {}

  /** The kind the retry policy and the breaker act on (docs/provider-apis.md#error-classes). */
  static FailureKind classify(Throwable error) {
    if (!(error instanceof ApiException api)) {
      return FailureKind.FATAL;
    }
    return switch (api.errorClass()) {
      case THROTTLED -> FailureKind.THROTTLED;
      // no HTTP answer at all: the provider may never have seen the call
      case TRANSIENT -> api.httpStatus() == null ? FailureKind.UNANSWERED : FailureKind.TRANSIENT;
      case REPEATED -> FailureKind.REPEATED;
      case INPUT_REJECTED -> FailureKind.INPUT_REJECTED;
      case ACCOUNT -> FailureKind.ACCOUNT;
    };
  }

  /**
   * How a request settles when its calls ended in failure: a refused input is a result
   * (INPUT_REJECTED, the API's verdict on the request), any other failure a dead letter.
   */
  static Settlement settle(VerificationRequest request, CallResult.Failure<?> failure, Instant now) {
    Throwable error = failure.error();
    ApiException api = error instanceof ApiException e ? e : null;
    String code = api != null ? api.code() : error.getClass().getSimpleName();
    if (failure.kind() == FailureKind.INPUT_REJECTED) {
      return new Settlement.Answered(ResultMapping.inputRejected(request, code, api == null ? null : api.requestId(),
          failure.attempts(), now), failure.serviceTime());
    }
    String described = api != null ? api.getMessage() : error.getClass().getName();
    return new Settlement.Failed(code, failure.kind() + " after " + failure.attempts() + " attempt(s): " + described,
        api == null ? null : api.httpStatus(), failure.attempts(), failure.serviceTime());
  }
}
