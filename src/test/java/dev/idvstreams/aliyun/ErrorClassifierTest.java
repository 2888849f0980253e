package dev.idvstreams.aliyun;

import dev.idvstreams.api.Api;
import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The error table of docs/provider-apis.md#error-classes, row by row; the body's code decides, not the status. */
class ErrorClassifierTest {

  @ParameterizedTest(name = "{0} {1} HTTP {2} -> {3}")
  @CsvSource(nullValues = "null", value = {
      "CREDENTIAL_VERIFY_INTL, Throttling, 400, THROTTLED",
      "CREDENTIAL_VERIFY_INTL, Throttling.User, 400, THROTTLED",
      "VERIFY_MATERIAL, Throttling.Api, 400, THROTTLED",
      "VERIFY_MATERIAL, SomethingNew, 429, THROTTLED",
      "FACE_VERIFY, 402, 200, THROTTLED",
      "CREDENTIAL_VERIFY_INTL, InternalError, 500, TRANSIENT",
      "CREDENTIAL_VERIFY_INTL, InternalError, 200, TRANSIENT",
      "VERIFY_MATERIAL, SystemError, 500, TRANSIENT",
      "CREDENTIAL_VERIFY_INTL, Forbidden.ExceptionDataSource, 500, TRANSIENT",
      "VERIFY_MATERIAL, DownloadTimedOut, 422, TRANSIENT",
      "FACE_VERIFY, 500, 200, TRANSIENT",
      "FACE_VERIFY, PROCESSING, 200, TRANSIENT",
      "VERIFY_MATERIAL, VerifyStatus.12, 200, TRANSIENT",
      "VERIFY_MATERIAL, NetworkError, null, TRANSIENT",
      "FACE_VERIFY, Timeout, null, TRANSIENT",
      "CREDENTIAL_VERIFY_INTL, Forbidden.ExceptionRepeatedInvoke, 400, REPEATED",
      "CREDENTIAL_VERIFY_INTL, DataDuplication, 401, REPEATED",
      "FACE_VERIFY, Forbidden.ExceptionRepeatedInvoke, 400, REPEATED",
      "CREDENTIAL_VERIFY_INTL, MissingParameter, 400, INPUT_REJECTED",
      "VERIFY_MATERIAL, ParameterIsNull, 400, INPUT_REJECTED",
      "VERIFY_MATERIAL, InvalidParameter, 401, INPUT_REJECTED",
      "VERIFY_MATERIAL, InvalidParameter, 500, INPUT_REJECTED",
      "CREDENTIAL_VERIFY_INTL, UnqualifiedPhoto, 401, INPUT_REJECTED",
      "CREDENTIAL_VERIFY_INTL, ToolargeImage, 401, INPUT_REJECTED",
      "VERIFY_MATERIAL, ResourcesTooLarge, 421, INPUT_REJECTED",
      "VERIFY_MATERIAL, NoFaceDetected, 435, INPUT_REJECTED",
      "FACE_VERIFY, 400, 200, INPUT_REJECTED",
      "FACE_VERIFY, UNABLE_GET_IMAGE, 200, INPUT_REJECTED",
      "CREDENTIAL_VERIFY_INTL, Forbidden.AccountAccessDenied, 403, ACCOUNT",
      "CREDENTIAL_VERIFY_INTL, Forbidden.RAMUserAccessDenied, 403, ACCOUNT",
      "VERIFY_MATERIAL, NoPermission, 403, ACCOUNT",
      "VERIFY_MATERIAL, NoSubscribeService, 410, ACCOUNT",
      "VERIFY_MATERIAL, InDebt, 412, ACCOUNT",
      "FACE_VERIFY, 403, 200, ACCOUNT",
      "FACE_VERIFY, 404, 200, ACCOUNT",
      "FACE_VERIFY, SignatureDoesNotMatch, 400, ACCOUNT",
      "VERIFY_MATERIAL, InvalidAccessKeyId.NotFound, 404, ACCOUNT",
      "VERIFY_MATERIAL, IncompleteSignature, 400, ACCOUNT",
      "VERIFY_MATERIAL, CredentialsUnavailable, null, ACCOUNT",
      "VERIFY_MATERIAL, SomethingNew, 503, TRANSIENT",
      "VERIFY_MATERIAL, SomethingNew, 403, ACCOUNT",
      "VERIFY_MATERIAL, SomethingNew, 400, INPUT_REJECTED",
      "VERIFY_MATERIAL, 400, 400, INPUT_REJECTED"})
  void shouldClassifyByTheDesignTable(Api api, String code, Integer status, ErrorClass expected) {
    assertThat(ErrorClassifier.classify(api, code, status)).isEqualTo(expected);
  }
}
