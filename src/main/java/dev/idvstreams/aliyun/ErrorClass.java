package dev.idvstreams.aliyun;

/** What the processor does about a failed call: docs/provider-apis.md#error-classes. */
public enum ErrorClass {
  /** Retry later and lower the local rate. */
  THROTTLED,
  /** Retry with backoff. */
  TRANSIENT,
  /** A repeated call: retry after backoff, never a second concurrent call. */
  REPEATED,
  /** The input is at fault: a result with outcome INPUT_REJECTED and the code. */
  INPUT_REJECTED,
  /** The account is at fault: open the circuit breaker for the API and hold its requests. */
  ACCOUNT
}
