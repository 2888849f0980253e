package dev.idvstreams.check;

import dev.idvstreams.aliyun.ApiException;
import dev.idvstreams.aliyun.CredentialVerifyResponse;
import dev.idvstreams.aliyun.FaceVerifyResponse;
import dev.idvstreams.aliyun.VerifyMaterialResponse;
import dev.idvstreams.avro.CheckType;
import dev.idvstreams.avro.CredentialDetail;
import dev.idvstreams.avro.FaceDetail;
import dev.idvstreams.avro.IdCardOcr;
import dev.idvstreams.avro.MaterialDetail;
import dev.idvstreams.avro.Outcome;
import dev.idvstreams.avro.VerificationRequest;
import dev.idvstreams.avro.VerificationResult;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;

/** Turns the APIs' answers into {@link VerificationResult}s: the one place that decides outcomes. */
final class ResultMapping {

  // docs/provider-apis.md#verifymaterial-verifystatus, the reasons in short English
  private static final Map<Integer, String> VERIFY_STATUS_REASONS = Map.ofEntries(
    Map.entry(1, "verification passed"),
    Map.entry(2, "name and ID number do not match the authority"),
    Map.entry(3, "ID card photo unreadable or its name differs"),
    Map.entry(4, "ID card photo unreadable or its number differs"),
    Map.entry(5, "ID card expired or about to expire"),
    Map.entry(6, "face does not match the ID card photo"),
    Map.entry(7, "face does not match the authority photo"),
    Map.entry(8, "not an original ID card photo"),
    Map.entry(9, "not the account holder"),
    Map.entry(11, "authority photo missing or unusable"),
    Map.entry(12, "authority system error"));

  private ResultMapping() {}

  /**
   * CredentialVerifyIntl: Result 0 is no risk (PASS); a risk goes to REVIEW, not FAIL, because
   * the document says not to rely on the detection alone but to use it to focus manual review.
   */
  static VerificationResult credential(VerificationRequest request, CredentialVerifyResponse r, int attempts, Instant now) {
    boolean noRisk = "0".equals(r.result());
    Map<String, Double> scores = new LinkedHashMap<>();
    r.riskScore().forEach((tag, score) -> scores.put(tag, parseScore(score)));
    CredentialDetail detail = CredentialDetail.newBuilder()
      .setRiskResult(r.result())
      .setRiskTags(r.riskTags())
      .setRiskScores(scores)
      .setMaterialInfo(r.materialInfo())
      .build();
    return base(request, CheckType.CREDENTIAL, noRisk ? Outcome.PASS : Outcome.REVIEW, attempts, now)
      .setReasonCode(noRisk ? "Result.0" : String.join(",", r.riskTags()).isEmpty() ? "Result." + r.result() : String.join(",", r.riskTags()))
      .setReason(noRisk ? "no risk detected" : "risk detected: " + String.join(", ", r.riskTags()))
      .setProviderRequestId(r.requestId())
      .setDetail(detail)
      .build();
  }

  /** VerifyMaterial: VerifyStatus 1 passes, 2 to 11 fail (12 is retried by the client's error class). */
  static VerificationResult material(VerificationRequest request, VerifyMaterialResponse r, int attempts, Instant now) {
    int status = r.verifyStatus() == null ? 0 : r.verifyStatus();
    VerifyMaterialResponse.Material material = r.material();
    MaterialDetail.Builder detail = MaterialDetail.newBuilder()
      .setVerifyStatus(status)
      .setAuthorityComparisonScore(r.authorityComparisonScore() == null ? null : r.authorityComparisonScore().floatValue())
      .setIdCardFaceComparisonScore(r.idCardFaceComparisonScore() == null ? null : r.idCardFaceComparisonScore().floatValue())
      .setVerifyToken(r.verifyToken());
    if (material != null) {
      detail.setFaceQuality(material.faceQuality()).setFaceMask(material.faceMask());
      VerifyMaterialResponse.IdCardInfo card = material.idCardInfo();
      if (card != null) {
        detail.setIdCard(IdCardOcr.newBuilder().setName(card.name()).setNumber(card.number())
          .setAddress(card.address()).setAuthority(card.authority()).setBirth(card.birth())
          .setNationality(card.nationality()).setSex(card.sex()).setStartDate(card.startDate())
          .setEndDate(card.endDate()).build());
      }
    }
    return base(request, CheckType.MATERIAL, status == 1 ? Outcome.PASS : Outcome.FAIL, attempts, now)
      .setReasonCode("VerifyStatus." + status)
      .setReason(VERIFY_STATUS_REASONS.getOrDefault(status, "verification not passed"))
      .setProviderRequestId(r.requestId())
      .setDetail(detail.build())
      .build();
  }

  /** intl_face_verify: passed, else failed as a spoof or as a mismatch. */
  static VerificationResult face(VerificationRequest request, FaceVerifyResponse r, int attempts, Instant now) {
    FaceVerifyResponse.Data data = r.data();
    boolean passed = data != null && Boolean.TRUE.equals(data.passed());
    Boolean attack = data == null || data.extInfo() == null ? null : data.extInfo().faceAttack();
    FaceDetail detail = FaceDetail.newBuilder()
      .setPassed(passed)
      .setRetCode(data == null ? null : data.retCode())
      .setRetCodeSub(data == null ? null : data.retCodeSub())
      .setScore(data == null || data.extInfo() == null ? null : data.extInfo().score())
      .setFaceAttack(attack)
      .build();
    String reason = passed ? "face matches the ID photo" : Boolean.TRUE.equals(attack) ? "spoofing attack detected" : "face does not match the ID photo";
    return base(request, CheckType.FACE, passed ? Outcome.PASS : Outcome.FAIL, attempts, now)
      .setReasonCode(data == null ? null : data.retCodeSub() == null ? data.retCode() : data.retCodeSub())
      .setReason(reason)
      .setProviderRequestId(r.requestId())
      .setDetail(detail)
      .build();
  }

  /** The API refused the input (MissingParameter, UnqualifiedPhoto, NoFaceDetected, SAF 400...): a result, not a dead letter. */
  static VerificationResult inputRejected(VerificationRequest request, String code, String requestId, int attempts, Instant now) {
    return base(request, Checks.apiOf(request).checkType(), Outcome.INPUT_REJECTED, attempts, now)
      .setReasonCode(code)
      .setReason("the API refused the input: " + code)
      .setProviderRequestId(requestId)
      .build();
  }

  static String requestIdOf(Throwable error) {
    return error instanceof ApiException api ? api.requestId() : null;
  }

  private static VerificationResult.Builder base(VerificationRequest request, CheckType type, Outcome outcome, int attempts, Instant now) {
    return VerificationResult.newBuilder()
      .setBizId(request.getBizId())
      .setCheckType(type)
      .setOutcome(outcome)
      .setAttempts(attempts)
      .setRequestedAt(request.getRequestedAt())
      .setCompletedAt(now)
      .setReplayed(false);
  }

  private static double parseScore(String score) {
    try {
      return Double.parseDouble(score);
    } catch (NumberFormatException e) {
      return Double.NaN;
    }
  }
}
