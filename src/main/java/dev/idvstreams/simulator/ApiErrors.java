package dev.idvstreams.simulator;

import dev.idvstreams.api.Api;
import dev.idvstreams.aliyun.ErrorClass;
import io.vertx.core.json.JsonObject;
import java.util.Map;

/**
 * The error answers of each API, with the HTTP statuses and messages of the reference documents.
 * The cloudauth APIs and the gateway answer {@code {"RequestId","HostId","Code","Message"}} with the
 * documented status; SAF answers its numeric codes (400, 402, 403, 404, 500) in the body of an
 * HTTP 200, as docs/provider-apis.md#face-verification-answer says.
 */
final class ApiErrors {

  private record Documented(int status, String message) {}

  /** Errors of the gateway in front of every API: signature, access key, throttling, repeated calls. */
  private static final Map<String, Documented> GATEWAY = Map.of(
      "SignatureDoesNotMatch", new Documented(400, "Specified signature is not matched with our calculation."),
      "IncompleteSignature", new Documented(400, "The request signature does not conform to Aliyun standards."),
      "SignatureNonceUsed", new Documented(400, "Specified signature nonce was used already."),
      "InvalidTimeStamp.Expired", new Documented(400, "Specified time stamp or date value is expired."),
      "InvalidTimeStamp.Format", new Documented(400, "Specified time stamp or date value is not well formatted."),
      "InvalidAccessKeyId.NotFound", new Documented(404, "Specified access key is not found."),
      "InvalidAction.NotFound", new Documented(404, "Specified api is not found, please check your url and method."),
      "Throttling.User", new Documented(400, "Request was denied due to user flow control."),
      "Forbidden.ExceptionRepeatedInvoke", new Documented(400, "The call was repeated abnormally."));

  /** docs/provider-apis.md#credentialverifyintl-error-codes */
  private static final Map<String, Documented> CREDENTIAL_VERIFY = Map.of(
      "MissingParameter", new Documented(400, "A parameter cannot be empty."),
      "InvalidParameter", new Documented(401, "The parameter is invalid."),
      "UnqualifiedPhoto", new Documented(401, "The provided image is not usable."),
      "ToolargeImage", new Documented(401, "The provided image is too large."),
      "DataDuplication", new Documented(401, "The data is duplicate."),
      "Forbidden.AccountAccessDenied", new Documented(403, "Make sure that you have activated ID Verification and your account has no overdue payments."),
      "Forbidden.RAMUserAccessDenied", new Documented(403, "The RAM user needs the AliyunAntCloudAuthFullAccess permission."),
      "Forbidden.ExceptionDataSource", new Documented(500, "The authoritative data source service is abnormal."),
      "InternalError", new Documented(500, "An internal system error occurred."));

  /** docs/provider-apis.md#verifymaterial-error-codes */
  private static final Map<String, Documented> VERIFY_MATERIAL = Map.of(
      "ParameterIsNull", new Documented(400, "The parameter must not be empty."),
      "InvalidParameter", new Documented(401, "The specified parameter is invalid."),
      "NoPermission", new Documented(403, "This RAM user has no permissions to access API."),
      "NoSubscribeService", new Documented(410, "OSS is not activated or you have not granted OSS the read write permission."),
      "InDebt", new Documented(412, "You have an outstanding payment. Please add funds first and try again."),
      "ResourcesTooLarge", new Documented(421, "The size of the incoming resources are too large."),
      "DownloadTimedOut", new Documented(422, "Downloading resource timed out."),
      "NoFaceDetected", new Documented(435, "No face is detected in either the image or the video."),
      "SystemError", new Documented(500, "A system error occurred."));

  /** docs/provider-apis.md#face-verification-response-codes */
  private static final Map<String, String> FACE_VERIFY = Map.of(
      "400", "The ServiceParameters parameter is invalid.",
      "402", "The number of queries exceeded the specification. Network traffic is throttled.",
      "403", "The request did not have the required permissions. The target service is not activated or has expired.",
      "404", "The Service parameter is invalid.",
      "500", "system error");

  private ApiErrors() {}

  /** The answer carrying {@code code}, in {@code api}'s shape; unknown codes answer HTTP 400. */
  static ApiAnswer answer(Api api, String code, String requestId) {
    return answer(api, code, null, requestId);
  }

  /** As {@link #answer(Api, String, String)} with a message of the caller's. */
  static ApiAnswer answer(Api api, String code, String message, String requestId) {
    if (api == Api.FACE_VERIFY && FACE_VERIFY.containsKey(code)) {
      JsonObject body = new JsonObject().put("RequestId", requestId).put("Code", Integer.parseInt(code))
          .put("Message", message != null ? message : FACE_VERIFY.get(code));
      if (code.equals("500")) {
        body.put("Data", new JsonObject().put("passed", "false").put("retCode", "SYSTEM_ERROR")
            .put("retCodeSub", "Z1141").put("retMessage", "system error").encode());
      }
      return new ApiAnswer(200, body);
    }
    Map<String, Documented> own = api == Api.CREDENTIAL_VERIFY_INTL ? CREDENTIAL_VERIFY
        : api == Api.VERIFY_MATERIAL ? VERIFY_MATERIAL : Map.of();
    Documented documented = own.getOrDefault(code, GATEWAY.getOrDefault(code, new Documented(400, code)));
    return gatewayShaped(documented.status(), code, message != null ? message : documented.message(), requestId);
  }

  /** An error of the gateway, before any API is known (an unknown action). */
  static ApiAnswer gatewayShaped(int status, String code, String message, String requestId) {
    return new ApiAnswer(status, new JsonObject().put("RequestId", requestId).put("HostId", "127.0.0.1")
        .put("Code", code).put("Message", message));
  }

  /** The code {@code api} answers for an injected fault of {@code errorClass}. */
  static String faultCode(Api api, ErrorClass errorClass) {
    boolean saf = api == Api.FACE_VERIFY;
    return switch (errorClass) {
      case THROTTLED -> saf ? "402" : "Throttling.User";
      case TRANSIENT -> saf ? "500" : api == Api.VERIFY_MATERIAL ? "SystemError" : "InternalError";
      case REPEATED -> "Forbidden.ExceptionRepeatedInvoke";
      case INPUT_REJECTED -> saf ? "400" : "InvalidParameter";
      case ACCOUNT -> saf ? "403" : api == Api.VERIFY_MATERIAL ? "NoPermission" : "Forbidden.AccountAccessDenied";
    };
  }

  /** The code {@code api} answers while the account is in {@code state} (never {@link AccountState#OK}). */
  static String accountCode(Api api, AccountState state) {
    if (api == Api.FACE_VERIFY) {
      return "403";
    }
    boolean inDebt = state == AccountState.IN_DEBT;
    if (api == Api.VERIFY_MATERIAL) {
      return inDebt ? "InDebt" : "NoPermission";
    }
    return inDebt ? "Forbidden.AccountAccessDenied" : "Forbidden.RAMUserAccessDenied";
  }
}
