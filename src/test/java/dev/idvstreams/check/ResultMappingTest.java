package dev.idvstreams.check;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idvstreams.aliyun.CredentialVerifyResponse;
import dev.idvstreams.aliyun.FaceVerifyResponse;
import dev.idvstreams.aliyun.VerifyMaterialResponse;
import dev.idvstreams.avro.CheckType;
import dev.idvstreams.avro.CredentialCheck;
import dev.idvstreams.avro.CredentialDetail;
import dev.idvstreams.avro.FaceCheck;
import dev.idvstreams.avro.FaceDetail;
import dev.idvstreams.avro.Image;
import dev.idvstreams.avro.MaterialCheck;
import dev.idvstreams.avro.MaterialDetail;
import dev.idvstreams.avro.Outcome;
import dev.idvstreams.avro.VerificationRequest;
import dev.idvstreams.avro.VerificationResult;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ResultMappingTest {

  private static final Instant NOW = Instant.parse("2026-11-25T03:00:00Z");
  private static final Image URL = Image.newBuilder().setUrl("https://img.example/a.jpg").build();

  private static VerificationRequest request(Object check) {
    return VerificationRequest.newBuilder().setBizId("b-1").setRequestedAt(Instant.ofEpochMilli(5)).setCheck(check).build();
  }

  private static final VerificationRequest CREDENTIAL = request(CredentialCheck.newBuilder().setCredType("03").setCredName("0301").setImage(URL).build());
  private static final VerificationRequest MATERIAL = request(MaterialCheck.newBuilder().setBizType("t").setName("n").setIdCardNumber("1").setFaceImage(URL).build());
  private static final VerificationRequest FACE = request(FaceCheck.newBuilder().setResourceCode("00840000").setRefFace(URL).setAuthFace(URL).build());

  @Test
  void shouldPassACredentialWithoutRiskAndSendARiskToReview() {
    VerificationResult clean = ResultMapping.credential(CREDENTIAL,
      new CredentialVerifyResponse("R-1", "Success", "success", "0", List.of(), Map.of(), null), 2, NOW);
    assertThat(clean.getOutcome()).isEqualTo(Outcome.PASS);
    assertThat(clean.getAttempts()).isEqualTo(2);
    assertThat(clean.getProviderRequestId()).isEqualTo("R-1");
    assertThat(clean.getCompletedAt()).isEqualTo(NOW);
    assertThat(clean.getRequestedAt()).isEqualTo(Instant.ofEpochMilli(5));

    VerificationResult risky = ResultMapping.credential(CREDENTIAL,
      new CredentialVerifyResponse("R-2", "Success", "success", "1", List.of("PS", "SCREEN_PHOTO"),
        Map.of("PS", "0.97", "SCREEN_PHOTO", "not-a-number"), "info"), 1, NOW);
    assertThat(risky.getOutcome()).isEqualTo(Outcome.REVIEW);
    assertThat(risky.getReasonCode()).isEqualTo("PS,SCREEN_PHOTO");
    CredentialDetail detail = (CredentialDetail) risky.getDetail();
    assertThat(detail.getRiskTags()).containsExactly("PS", "SCREEN_PHOTO");
    assertThat(detail.getRiskScores().get("PS")).isEqualTo(0.97);
    assertThat(detail.getRiskScores().get("SCREEN_PHOTO")).isNaN();
    assertThat(detail.getMaterialInfo()).isEqualTo("info");
  }

  @Test
  void shouldPassVerifyStatusOneAndFailTheOthersWithTheirReason() {
    VerifyMaterialResponse.IdCardInfo card = new VerifyMaterialResponse.IdCardInfo("n", "0234", "M", "x", "19900101",
      "addr", "auth", "20200101", "20300101", null, null);
    VerifyMaterialResponse.Material material = new VerifyMaterialResponse.Material(null, null, false, "NORMAL", "n", "0234", card);
    VerificationResult pass = ResultMapping.material(MATERIAL,
      new VerifyMaterialResponse("R", "200", "success", true, 1, 97.0, 95.5, "tok", material), 1, NOW);
    assertThat(pass.getOutcome()).isEqualTo(Outcome.PASS);
    MaterialDetail detail = (MaterialDetail) pass.getDetail();
    assertThat(detail.getAuthorityComparisonScore()).isEqualTo(97.0f);
    assertThat(detail.getIdCard().getBirth()).isEqualTo("19900101");
    assertThat(detail.getFaceQuality()).isEqualTo("NORMAL");

    VerificationResult fail = ResultMapping.material(MATERIAL,
      new VerifyMaterialResponse("R", "200", "success", true, 6, 40.0, null, "tok", null), 1, NOW);
    assertThat(fail.getOutcome()).isEqualTo(Outcome.FAIL);
    assertThat(fail.getReasonCode()).isEqualTo("VerifyStatus.6");
    assertThat(fail.getReason()).isEqualTo("face does not match the ID card photo");
    assertThat(((MaterialDetail) fail.getDetail()).getIdCard()).isNull();
  }

  @Test
  void shouldTellASpoofFromAMismatch() {
    VerificationResult passed = ResultMapping.face(FACE, new FaceVerifyResponse("R", 200, "OK",
      new FaceVerifyResponse.Data(true, "OK_SUCCESS", "Z1140", "passed", new FaceVerifyResponse.ExtInfo(true, 99.0, false))), 1, NOW);
    assertThat(passed.getOutcome()).isEqualTo(Outcome.PASS);
    assertThat(((FaceDetail) passed.getDetail()).getScore()).isEqualTo(99.0);

    VerificationResult spoof = ResultMapping.face(FACE, new FaceVerifyResponse("R", 200, "OK",
      new FaceVerifyResponse.Data(false, "OK_SUCCESS", "Z5128", "attack", new FaceVerifyResponse.ExtInfo(false, 80.0, true))), 1, NOW);
    assertThat(spoof.getOutcome()).isEqualTo(Outcome.FAIL);
    assertThat(spoof.getReason()).isEqualTo("spoofing attack detected");

    VerificationResult mismatch = ResultMapping.face(FACE, new FaceVerifyResponse("R", 200, "OK",
      new FaceVerifyResponse.Data(false, "OK_SUCCESS", null, "no", new FaceVerifyResponse.ExtInfo(false, 12.0, false))), 1, NOW);
    assertThat(mismatch.getReason()).isEqualTo("face does not match the ID photo");
    assertThat(mismatch.getReasonCode()).isEqualTo("OK_SUCCESS");
  }

  @Test
  void shouldAnswerARejectedInputWithItsCode() {
    VerificationResult rejected = ResultMapping.inputRejected(FACE, "UNABLE_GET_IMAGE", "R-9", 1, NOW);
    assertThat(rejected.getOutcome()).isEqualTo(Outcome.INPUT_REJECTED);
    assertThat(rejected.getCheckType()).isEqualTo(CheckType.FACE);
    assertThat(rejected.getReasonCode()).isEqualTo("UNABLE_GET_IMAGE");
    assertThat(rejected.getDetail()).isNull();
  }
}
