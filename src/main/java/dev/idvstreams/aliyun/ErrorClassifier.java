package dev.idvstreams.aliyun;

import dev.idvstreams.api.Api;
import java.util.Map;

/**
 * Maps an API's error code to its {@link ErrorClass}, exactly as docs/provider-apis.md#error-classes says.
 * The body's {@code Code} decides (for SAF the numeric {@code Code} and the {@code Data.retCode});
 * the HTTP status only decides for codes the table does not know.
 */
public final class ErrorClassifier {

  /** The codes of the table, and the gateway's signature and access-key errors (class account). */
  private static final Map<String, ErrorClass> BY_CODE = Map.ofEntries(
      Map.entry("Throttling", ErrorClass.THROTTLED),
      Map.entry("Throttling.User", ErrorClass.THROTTLED),
      Map.entry("Throttling.Api", ErrorClass.THROTTLED),
      Map.entry("InternalError", ErrorClass.TRANSIENT),
      Map.entry("SystemError", ErrorClass.TRANSIENT),
      Map.entry("Forbidden.ExceptionDataSource", ErrorClass.TRANSIENT),
      Map.entry("DownloadTimedOut", ErrorClass.TRANSIENT),
      Map.entry("PROCESSING", ErrorClass.TRANSIENT),
      Map.entry("SYSTEM_ERROR", ErrorClass.TRANSIENT),
      Map.entry(ApiException.NETWORK_ERROR, ErrorClass.TRANSIENT),
      Map.entry(ApiException.TIMEOUT, ErrorClass.TRANSIENT),
      Map.entry(ApiException.ABORTED, ErrorClass.TRANSIENT),
      Map.entry(ApiException.INVALID_RESPONSE, ErrorClass.TRANSIENT),
      Map.entry(ApiException.VERIFY_STATUS_12, ErrorClass.TRANSIENT),
      Map.entry("Forbidden.ExceptionRepeatedInvoke", ErrorClass.REPEATED),
      Map.entry("DataDuplication", ErrorClass.REPEATED),
      Map.entry("MissingParameter", ErrorClass.INPUT_REJECTED),
      Map.entry("ParameterIsNull", ErrorClass.INPUT_REJECTED),
      Map.entry("InvalidParameter", ErrorClass.INPUT_REJECTED),
      Map.entry("UnqualifiedPhoto", ErrorClass.INPUT_REJECTED),
      Map.entry("ToolargeImage", ErrorClass.INPUT_REJECTED),
      Map.entry("ResourcesTooLarge", ErrorClass.INPUT_REJECTED),
      Map.entry("NoFaceDetected", ErrorClass.INPUT_REJECTED),
      Map.entry("UNABLE_GET_IMAGE", ErrorClass.INPUT_REJECTED),
      Map.entry("Forbidden.AccountAccessDenied", ErrorClass.ACCOUNT),
      Map.entry("Forbidden.RAMUserAccessDenied", ErrorClass.ACCOUNT),
      Map.entry("NoPermission", ErrorClass.ACCOUNT),
      Map.entry("NoSubscribeService", ErrorClass.ACCOUNT),
      Map.entry("InDebt", ErrorClass.ACCOUNT),
      Map.entry(ApiException.CREDENTIALS_UNAVAILABLE, ErrorClass.ACCOUNT),
      Map.entry(ApiException.TLS_HANDSHAKE_FAILED, ErrorClass.ACCOUNT),
      Map.entry("SignatureDoesNotMatch", ErrorClass.ACCOUNT),
      Map.entry("IncompleteSignature", ErrorClass.ACCOUNT),
      Map.entry("InvalidAccessKeyId.NotFound", ErrorClass.ACCOUNT),
      Map.entry("InvalidAccessKeyId.Inactive", ErrorClass.ACCOUNT),
      Map.entry("InvalidAccessKeyId", ErrorClass.ACCOUNT),
      Map.entry("InvalidSecurityToken.Expired", ErrorClass.ACCOUNT),
      Map.entry("InvalidSecurityToken.Malformed", ErrorClass.ACCOUNT),
      Map.entry("SignatureNonceUsed", ErrorClass.ACCOUNT),
      Map.entry("InvalidTimeStamp.Expired", ErrorClass.ACCOUNT),
      Map.entry("InvalidTimeStamp.Format", ErrorClass.ACCOUNT),
      Map.entry("InvalidAction.NotFound", ErrorClass.ACCOUNT));

  /** SAF's numeric {@code Code}s, from docs/provider-apis.md#face-verification-response-codes. */
  private static final Map<String, ErrorClass> SAF_CODES = Map.of(
      "400", ErrorClass.INPUT_REJECTED,
      "402", ErrorClass.THROTTLED,
      "403", ErrorClass.ACCOUNT,
      "404", ErrorClass.ACCOUNT,
      "500", ErrorClass.TRANSIENT);

  private ErrorClassifier() {}

  /**
   * The class of {@code code} answered by {@code api} with {@code httpStatus} (null when there was no
   * HTTP answer). Codes the table does not know fall back on the status: 429 throttled, 5xx
   * transient, 403 account, any other input rejected (the provider refused this request).
   */
  public static ErrorClass classify(Api api, String code, Integer httpStatus) {
    if (api == Api.FACE_VERIFY && code != null && SAF_CODES.containsKey(code)) {
      return SAF_CODES.get(code);
    }
    ErrorClass known = code == null ? null : BY_CODE.get(code);
    if (known != null) {
      return known;
    }
    if (code != null && code.startsWith("Throttling")) {
      return ErrorClass.THROTTLED;
    }
    if (httpStatus == null) {
      return ErrorClass.TRANSIENT;
    }
    if (httpStatus == 429) {
      return ErrorClass.THROTTLED;
    }
    if (httpStatus >= 500) {
      return ErrorClass.TRANSIENT;
    }
    return httpStatus == 403 ? ErrorClass.ACCOUNT : ErrorClass.INPUT_REJECTED;
  }
}
