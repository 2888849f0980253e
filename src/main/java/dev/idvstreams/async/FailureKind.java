package dev.idvstreams.async;

/**
 * How a failed call should be treated, in this package's own terms. The topology maps the API
 * client's error classes onto these, so nothing here depends on the client.
 */
public enum FailureKind {
  /** The provider refused for rate: retry later, and slow down. */
  THROTTLED,
  /** A fault that may pass, answered by the provider: a server error, say. */
  TRANSIENT,
  /**
   * No answer came (a network error, a timeout): retried like TRANSIENT, but it says nothing of
   * the account, so a breaker's probe that ends so proves nothing.
   */
  UNANSWERED,
  /** The provider saw this request as a repeat of one still being processed. */
  REPEATED,
  /** The request itself was refused; calling again cannot change the answer. */
  INPUT_REJECTED,
  /** The account cannot call at all (access, debt, subscription, credentials). */
  ACCOUNT,
  /** Anything else that retrying cannot fix. */
  FATAL,
  /** The request's owner closed (its task moved or stopped): nothing to publish, the next owner calls again. */
  CANCELLED
}
