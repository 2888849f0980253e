package dev.idvstreams.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idvstreams.avro.CredentialCheck;
import dev.idvstreams.avro.FaceCheck;
import dev.idvstreams.avro.Image;
import dev.idvstreams.avro.MaterialCheck;
import dev.idvstreams.avro.VerificationRequest;
import dev.idvstreams.demo.DemoBatch;
import dev.idvstreams.image.HeaderOnlyJpeg;
import dev.idvstreams.serde.AvroSerde;
import dev.idvstreams.serde.InProcessSchemaRegistry;
import dev.idvstreams.serde.SchemaRegistries;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class RequestValidatorTest {

  private static final int MAX_INLINE = 900 * 1024;
  private final RequestValidator validator = new RequestValidator(MAX_INLINE);

  private static Image inline(byte[] bytes) {
    return Image.newBuilder().setContent(ByteBuffer.wrap(bytes)).build();
  }

  private static Image url(String url) {
    return Image.newBuilder().setUrl(url).build();
  }

  private static VerificationRequest request(Object check) {
    return VerificationRequest.newBuilder().setBizId("b-1").setRequestedAt(Instant.EPOCH).setCheck(check).build();
  }

  private static VerificationRequest face(byte[] refFace) {
    return request(FaceCheck.newBuilder().setResourceCode("00840000").setRefFace(inline(refFace))
        .setAuthFace(inline(HeaderOnlyJpeg.of(640, 480, "auth"))).build());
  }

  private static VerificationRequest material(UnaryOperator<MaterialCheck.Builder> change) {
    return request(change.apply(MaterialCheck.newBuilder().setBizType("RPMinTest").setName("Zhang San")
        .setIdCardNumber("11010519491231002X").setFaceImage(url("https://img.example/f.jpg"))).build());
  }

  private static VerificationRequest credential(UnaryOperator<CredentialCheck.Builder> change) {
    return request(change.apply(CredentialCheck.newBuilder().setCredType("03").setCredName("0301")
        .setImage(url("https://img.example/c.jpg"))).build());
  }

  private List<String> codes(VerificationRequest request) {
    return validator.validate(request).stream().map(Violation::code).toList();
  }

  @Test
  void shouldPassTheDemosValidRequests() {
    assertThat(validator.validate(DemoBatch.credential("d-1", "clean"))).isEmpty();
    assertThat(validator.validate(DemoBatch.material("d-2", "sim-status-1"))).isEmpty();
    assertThat(validator.validate(DemoBatch.face("d-3", "sim-mismatch"))).isEmpty();
  }

  @Test
  void shouldGiveTheDemosInvalidRequestsTheCodesItsSummaryShows() {
    String scope = "validator-test-" + UUID.randomUUID();
    try {
      AvroSerde<VerificationRequest> serde = AvroSerde.forValues(VerificationRequest.class,
          SchemaRegistries.forUrl("mock://" + scope, null, Duration.ofSeconds(1)));
      List<DemoBatch.Item> batch = DemoBatch.generate(300, 42, "idv.requests", serde);

      for (DemoBatch.Item item : batch) {
        if (item.kind() == DemoBatch.Kind.UNREADABLE) {
          continue;
        }
        List<String> codes = codes(serde.deserialize("idv.requests", item.value()));
        if (item.kind() == DemoBatch.Kind.INVALID) {
          assertThat(codes).as(item.bizId()).isNotEmpty();
          assertThat(codes.get(0)).isIn("INVALID_BIZ_ID", "IMAGE_SOURCE", "IMAGE_FORMAT");
        } else {
          assertThat(codes).as(item.bizId()).isEmpty();
        }
      }
      assertThat(batch).extracting(DemoBatch.Item::kind).contains(DemoBatch.Kind.INVALID, DemoBatch.Kind.NEW);
    } finally {
      InProcessSchemaRegistry.drop(scope);
    }
  }

  @Test
  void shouldRefuseTheFourInlineFaceImagesThatReachedTheApi() {
    assertThat(codes(face(new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF}))).containsExactly("IMAGE_HEADER");
    assertThat(codes(face(HeaderOnlyJpeg.of(50000, 50000, "")))).containsExactly("IMAGE_DIMENSIONS");
    assertThat(codes(face(HeaderOnlyJpeg.of(9000, 24, "")))).containsExactly("IMAGE_DIMENSIONS");
    assertThat(codes(face(HeaderOnlyJpeg.of(0, 0, "")))).containsExactly("IMAGE_DIMENSIONS");
  }

  @Test
  void shouldApplyTheImageRulesToInlineImages() {
    assertThat(codes(face(HeaderOnlyJpeg.of(7000, 7000, "")))).containsExactly("IMAGE_PIXELS");
    assertThat(codes(face(new byte[] {(byte) 0x89, 'P', 'N', 'G'}))).containsExactly("IMAGE_FORMAT");
    assertThat(new RequestValidator(1024).validate(face(HeaderOnlyJpeg.of(640, 480, "x".repeat(1024)))))
        .extracting(Violation::code).containsExactly("IMAGE_TOO_LARGE");
    assertThat(codes(credential(c -> c.setImage(inline(new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF})))))
        .containsExactly("IMAGE_HEADER");
    // WebP dimensions are checked now too: a VP8X canvas of 9000 x 100
    byte[] webp = {'R', 'I', 'F', 'F', 22, 0, 0, 0, 'W', 'E', 'B', 'P', 'V', 'P', '8', 'X', 10, 0, 0, 0,
        0, 0, 0, 0, (byte) 0x27, (byte) 0x23, 0, 99, 0, 0};
    assertThat(codes(credential(c -> c.setImage(inline(webp))))).containsExactly("IMAGE_DIMENSIONS");
  }

  @Test
  void shouldRefuseAnIdNumberWithoutItsCheckCharacterAndNeverQuoteIt() {
    List<Violation> violations = validator.validate(material(m -> m.setIdCardNumber("110105194912310021")));

    assertThat(violations).extracting(Violation::code).containsExactly("INVALID_ID_NUMBER");
    assertThat(violations.get(0).message()).contains("idCardNumber").doesNotContain("11010519491231002");
    assertThat(codes(material(m -> m.setIdCardNumber("02343218901123****")))).containsExactly("INVALID_ID_NUMBER");
  }

  @ParameterizedTest
  @ValueSource(strings = {"\n", "\r", "\t", "\u0000", "\u001F", "\u007F"})
  void shouldRefuseControlCharactersInFieldsSentToTheApis(String control) {
    List<Violation> name = validator.validate(material(m -> m.setName("Zhang" + control + "San")));

    assertThat(name).extracting(Violation::code).containsExactly("INVALID_FIELD");
    assertThat(name.get(0).message()).contains("name").doesNotContain("Zhang");
    assertThat(codes(material(m -> m.setBizType("RPMin" + control)))).containsExactly("INVALID_FIELD");
    assertThat(codes(material(m -> m.setIdCardNumber("11010519491231002X" + control)))).containsExactly("INVALID_FIELD");
    assertThat(codes(credential(c -> c.setCredType("03" + control)))).containsExactly("INVALID_FIELD");
    assertThat(codes(credential(c -> c.setProductCode("ANTI_FAKE_CHECK" + control)))).containsExactly("INVALID_FIELD");
    assertThat(codes(credential(c -> c.setImage(url("https://img.example/c" + control + ".jpg"))))).containsExactly("IMAGE_URL");
    VerificationRequest userId = material(m -> m);
    userId.setUserId("u" + control);
    assertThat(codes(userId)).containsExactly("INVALID_FIELD");
    VerificationRequest bizId = material(m -> m);
    bizId.setBizId("b" + control + "1");
    assertThat(codes(bizId)).containsExactly("INVALID_FIELD");
    VerificationRequest resourceCode = face(HeaderOnlyJpeg.of(640, 480, ""));
    ((FaceCheck) resourceCode.getCheck()).setResourceCode("0084" + control);
    assertThat(codes(resourceCode)).containsExactly("INVALID_FIELD");
  }

  @Test
  void shouldRefuseACredentialNameThatIsNotANumericCode() {
    assertThat(codes(credential(c -> c.setCredName("ID card")))).containsExactly("INVALID_FIELD");
    assertThat(codes(credential(c -> c)))
        .isEmpty();
  }
}
