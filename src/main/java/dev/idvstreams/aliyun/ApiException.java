package dev.idvstreams.aliyun;

import dev.idvstreams.api.Api;
/**
 * A failed call: the API, the provider's code, the HTTP status (null when no answer came), the
 * provider's request id and the {@link ErrorClass}. The message names the API and the code only:
 * never personal data, never a secret.
 */
public final class ApiException extends RuntimeException {

  /** The code of a call that got no HTTP answer (connection refused, reset, DNS). */
  public static final String NETWORK_ERROR = "NetworkError";
  /** The code of a call its caller gave up on (its task closed): reset on the wire, not to be retried. */
  public static final String ABORTED = "Aborted";
  /** The code of a call that got no answer in time. */
  public static final String TIMEOUT = "Timeout";
  /** The code of an answer that is not the JSON the API documents. */
  public static final String INVALID_RESPONSE = "InvalidResponse";
  /**
   * VerifyMaterial's status 12, "the authority's system failed"
   * (docs/provider-apis.md#verifymaterial-verifystatus); retried.
   */
  public static final String VERIFY_STATUS_12 = "VerifyStatus.12";
  /**
   * The code of a call whose endpoint's certificate was not trusted (or whose TLS handshake failed
   * otherwise): the trust store or the endpoint is wrong, which no retry mends; held as an account error.
   */
  public static final String TLS_HANDSHAKE_FAILED = "TlsHandshakeFailed";
  /** The code of a call that could not get an access key from its {@link CredentialsSource}. */
  public static final String CREDENTIALS_UNAVAILABLE = "CredentialsUnavailable";

  private final Api api;
  private final String code;
  private final Integer httpStatus;
  private final String requestId;
  private final ErrorClass errorClass;

  public ApiException(Api api, String code, Integer httpStatus, String requestId, ErrorClass errorClass) {
    super(api.action() + " failed: " + code + (httpStatus == null ? "" : " (HTTP " + httpStatus + ")")
        + (requestId == null ? "" : ", request " + requestId));
    this.api = api;
    this.code = code;
    this.httpStatus = httpStatus;
    this.requestId = requestId;
    this.errorClass = errorClass;
  }

  /** An error whose class the {@link ErrorClassifier} decides from the code and the status. */
  public static ApiException of(Api api, String code, Integer httpStatus, String requestId) {
    return new ApiException(api, code, httpStatus, requestId, ErrorClassifier.classify(api, code, httpStatus));
  }

  public Api api() {
    return api;
  }

  public String code() {
    return code;
  }

  public Integer httpStatus() {
    return httpStatus;
  }

  public String requestId() {
    return requestId;
  }

  public ErrorClass errorClass() {
    return errorClass;
  }
}
