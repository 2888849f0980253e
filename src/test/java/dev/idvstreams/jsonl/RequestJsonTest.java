package dev.idvstreams.jsonl;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.idvstreams.avro.CredentialCheck;
import dev.idvstreams.avro.FaceCheck;
import dev.idvstreams.avro.Image;
import dev.idvstreams.avro.MaterialCheck;
import dev.idvstreams.avro.VerificationRequest;
import java.nio.ByteBuffer;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class RequestJsonTest {

  private static final Instant NOW = Instant.parse("2026-11-25T03:00:00.123Z");
  private static final byte[] JPEG = {(byte) 0xff, (byte) 0xd8, (byte) 0xff, 0x00, 0x10, 0x7f};
  private static final String JPEG_BASE64 = Base64.getEncoder().encodeToString(JPEG);
  // made-up personal data: it must never come back in an error message
  private static final String NAME = "Zhang Wei";
  private static final String ID_NUMBER = "023432189011231236";

  private final RequestJson json = new RequestJson(Clock.fixed(NOW, ZoneOffset.UTC));

  @Test
  void shouldReadACredentialCheckByUrl() throws Exception {
    VerificationRequest request = json.parse("""
      {"bizId":"b-1","source":"onboarding","userId":"u1","requestedAt":"2026-01-31T09:30:00Z",
       "credential":{"credType":"03","credName":"0301","image":{"url":"https://img.example/c.jpg"}}}""".replace("\n", ""));

    assertThat(request.getBizId()).isEqualTo("b-1");
    assertThat(request.getSource()).isEqualTo("onboarding");
    assertThat(request.getUserId()).isEqualTo("u1");
    assertThat(request.getRequestedAt()).isEqualTo(Instant.parse("2026-01-31T09:30:00Z"));
    CredentialCheck check = (CredentialCheck) request.getCheck();
    assertThat(check.getCredType()).isEqualTo("03");
    assertThat(check.getCredName()).isEqualTo("0301");
    assertThat(check.getProductCode()).isEqualTo("ANTI_FAKE_CHECK");
    assertThat(check.getImage().getUrl()).isEqualTo("https://img.example/c.jpg");
    assertThat(check.getImage().getContent()).isNull();
  }

  @Test
  void shouldReadACredentialCheckInlineWithAProductCode() throws Exception {
    VerificationRequest request = json.parse("{\"bizId\":\"b-1\",\"credential\":{\"credType\":\"03\",\"credName\":\"0301\","
      + "\"productCode\":\"OTHER_MODE\",\"image\":{\"base64\":\"" + JPEG_BASE64 + "\"}}}");

    CredentialCheck check = (CredentialCheck) request.getCheck();
    assertThat(check.getProductCode()).isEqualTo("OTHER_MODE");
    assertThat(check.getImage().getUrl()).isNull();
    assertThat(bytes(check.getImage())).isEqualTo(JPEG);
  }

  @Test
  void shouldReadAMaterialCheckWithBothImageKindsAndDefaultTheTimeToNow() throws Exception {
    VerificationRequest request = json.parse("{\"bizId\":\"b-2\",\"material\":{\"bizType\":\"RPMinTest\",\"name\":\"" + NAME
      + "\",\"idCardNumber\":\"" + ID_NUMBER + "\",\"faceImage\":{\"url\":\"https://img.example/f.jpg\"},"
      + "\"idCardFrontImage\":{\"base64\":\"" + JPEG_BASE64 + "\"}}}");

    assertThat(request.getRequestedAt()).isEqualTo(NOW);
    assertThat(request.getSource()).isNull();
    assertThat(request.getUserId()).isNull();
    MaterialCheck check = (MaterialCheck) request.getCheck();
    assertThat(check.getBizType()).isEqualTo("RPMinTest");
    assertThat(check.getName()).isEqualTo(NAME);
    assertThat(check.getIdCardNumber()).isEqualTo(ID_NUMBER);
    assertThat(check.getFaceImage().getUrl()).isEqualTo("https://img.example/f.jpg");
    assertThat(bytes(check.getIdCardFrontImage())).isEqualTo(JPEG);
    assertThat(check.getIdCardBackImage()).isNull();
  }

  @Test
  void shouldReadAFaceCheckAndAnOffsetTimestamp() throws Exception {
    VerificationRequest request = json.parse("{\"bizId\":\"b-3\",\"requestedAt\":\"2026-01-31T17:30:00.250+08:00\","
      + "\"face\":{\"resourceCode\":\"00840000\",\"refFace\":{\"base64\":\"" + JPEG_BASE64 + "\"},"
      + "\"authFace\":{\"url\":\"https://img.example/a.jpg\"}}}");

    assertThat(request.getRequestedAt()).isEqualTo(Instant.parse("2026-01-31T09:30:00.250Z"));
    FaceCheck check = (FaceCheck) request.getCheck();
    assertThat(check.getResourceCode()).isEqualTo("00840000");
    assertThat(bytes(check.getRefFace())).isEqualTo(JPEG);
    assertThat(check.getAuthFace().getUrl()).isEqualTo("https://img.example/a.jpg");
  }

  @Test
  void shouldTreatNullAsAbsent() throws Exception {
    VerificationRequest request = json.parse("{\"bizId\":\"b-4\",\"source\":null,\"face\":{\"resourceCode\":\"00840000\","
      + "\"refFace\":{\"url\":\"https://r\",\"base64\":null},\"authFace\":{\"url\":\"https://a\"}},\"material\":null}");

    assertThat(request.getSource()).isNull();
    assertThat(((FaceCheck) request.getCheck()).getRefFace().getUrl()).isEqualTo("https://r");
  }

  @Test
  void shouldWriteWhatItReads() throws Exception {
    String[] lines = {
      "{\"bizId\":\"b-1\",\"requestedAt\":\"2026-01-31T09:30:00Z\",\"source\":\"onboarding\",\"userId\":\"u1\","
        + "\"credential\":{\"credType\":\"03\",\"credName\":\"0301\",\"productCode\":\"ANTI_FAKE_CHECK\","
        + "\"image\":{\"url\":\"https://img.example/c.jpg\"}}}",
      "{\"bizId\":\"b-2\",\"requestedAt\":\"2026-01-31T09:30:00.001Z\",\"material\":{\"bizType\":\"RPMinTest\",\"name\":\""
        + NAME + "\",\"idCardNumber\":\"" + ID_NUMBER + "\",\"faceImage\":{\"url\":\"https://f\"},"
        + "\"idCardFrontImage\":{\"base64\":\"" + JPEG_BASE64 + "\"},\"idCardBackImage\":{\"url\":\"https://b\"}}}",
      "{\"bizId\":\"b-3\",\"requestedAt\":\"2026-01-31T09:30:00Z\",\"face\":{\"resourceCode\":\"00840000\","
        + "\"refFace\":{\"base64\":\"" + JPEG_BASE64 + "\"},\"authFace\":{\"url\":\"https://a\"}}}",
    };
    for (String line : lines) {
      VerificationRequest request = json.parse(line);
      assertThat(RequestJson.toJson(request).toString()).isEqualTo(line);
      assertThat(json.parse(RequestJson.toJson(request).toString())).isEqualTo(request);
    }
  }

  @ParameterizedTest(name = "{1}")
  @CsvSource(delimiter = '|', value = {
    "{\"bizId\":\"b\",|not valid JSON (at column 14)",
    "{\"bizId\":\"b\"} {\"bizId\":\"c\"}|not valid JSON (at column 15)",
    "{\"bizId\":\"b\",\"bizId\":\"c\"}|duplicate field 'bizId'",
    "[1,2]|a request must be a JSON object",
    "{\"face\":{}}|bizId is required",
    "{\"bizId\":null,\"face\":{}}|bizId is required",
    "{\"bizId\":7,\"face\":{}}|bizId must be a string",
    "{\"bizId\":\"b\",\"userid\":\"u\"}|unknown field userid",
    "{\"bizId\":\"b\",\"source\":{}}|source must be a string",
    "{\"bizId\":\"b\"}|exactly one of credential, material or face is required",
    "{\"bizId\":\"b\",\"credential\":{},\"face\":{}}|exactly one of credential, material or face is required, found credential and face",
    "{\"bizId\":\"b\",\"requestedAt\":\"2026-01-31T09:30:00\",\"face\":{}}|requestedAt must be an ISO-8601 timestamp with an offset, for example 2026-01-31T09:30:00Z",
    "{\"bizId\":\"b\",\"requestedAt\":1769851800000,\"face\":{}}|requestedAt must be a string",
    "{\"bizId\":\"b\",\"face\":[]}|face must be a JSON object",
    "{\"bizId\":\"b\",\"credential\":{\"credName\":\"0301\",\"image\":{\"url\":\"u\"}}}|credential.credType is required",
    "{\"bizId\":\"b\",\"credential\":{\"credType\":3,\"credName\":\"0301\",\"image\":{\"url\":\"u\"}}}|credential.credType must be a string",
    "{\"bizId\":\"b\",\"credential\":{\"credType\":\"03\",\"credName\":\"0301\"}}|credential.image is required",
    "{\"bizId\":\"b\",\"credential\":{\"credType\":\"03\",\"credName\":\"0301\",\"image\":{\"url\":\"u\"},\"x\":1}}|unknown field credential.x",
    "{\"bizId\":\"b\",\"credential\":{\"credType\":\"03\",\"credName\":\"0301\",\"image\":{}}}|credential.image needs exactly one of url or base64",
    "{\"bizId\":\"b\",\"credential\":{\"credType\":\"03\",\"credName\":\"0301\",\"image\":{\"url\":\"u\",\"base64\":\"AA==\"}}}|credential.image needs exactly one of url or base64",
    "{\"bizId\":\"b\",\"credential\":{\"credType\":\"03\",\"credName\":\"0301\",\"image\":{\"content\":\"AA==\"}}}|unknown field credential.image.content",
    "{\"bizId\":\"b\",\"credential\":{\"credType\":\"03\",\"credName\":\"0301\",\"image\":{\"url\":5}}}|credential.image.url must be a string",
    "{\"bizId\":\"b\",\"material\":{\"bizType\":\"T\",\"name\":\"n\",\"idCardNumber\":\"1\",\"faceImage\":{\"url\":\"u\"},\"idCardBackImage\":\"u\"}}|material.idCardBackImage must be a JSON object",
    "{\"bizId\":\"b\",\"material\":{\"bizType\":\"T\",\"idCardNumber\":\"1\",\"faceImage\":{\"url\":\"u\"}}}|material.name is required",
    "{\"bizId\":\"b\",\"face\":{\"resourceCode\":\"00840000\",\"refFace\":{\"url\":\"u\"}}}|face.authFace is required",
    "{\"bizId\":\"b\",\"face\":{\"resourceCode\":\"00840000\",\"refFace\":{\"base64\":\"not base64!\"},\"authFace\":{\"url\":\"u\"}}}|face.refFace.base64 is not valid base64 (standard alphabet, with padding)",
  })
  void shouldNameTheFieldAndTheProblem(String line, String message) {
    assertThatThrownBy(() -> json.parse(line))
      .isInstanceOf(RequestJson.InvalidRequestException.class)
      .hasMessage(message);
  }

  @Test
  void shouldNeverEchoTheValuesOfABadLine() {
    String[] lines = {
      "{\"bizId\":\"b\",\"material\":{\"bizType\":\"T\",\"name\":\"" + NAME + "\",\"idCardNumber\":" + ID_NUMBER + "}}",
      "{\"bizId\":\"b\",\"material\":{\"bizType\":\"T\",\"name\":\"" + NAME + "\",\"idCardNumber\":\"" + ID_NUMBER + "\"}",
      "{\"bizId\":\"b\",\"material\":{\"bizType\":\"T\",\"name\":" + NAME + ",\"idCardNumber\":\"" + ID_NUMBER + "\"}}",
      "{\"bizId\":\"b\",\"material\":{\"bizType\":\"T\",\"name\":\"" + NAME + "\",\"idCardNumber\":\"" + ID_NUMBER
        + "\",\"faceImage\":{\"base64\":\"" + NAME + "\"}}}",
    };
    for (String line : lines) {
      assertThatThrownBy(() -> json.parse(line))
        .isInstanceOf(RequestJson.InvalidRequestException.class)
        .message().doesNotContain("Zhang").doesNotContain("Wei").doesNotContain("0234").doesNotContain("1234");
    }
  }

  private static byte[] bytes(Image image) {
    ByteBuffer content = image.getContent().duplicate();
    byte[] bytes = new byte[content.remaining()];
    content.get(bytes);
    return bytes;
  }
}
