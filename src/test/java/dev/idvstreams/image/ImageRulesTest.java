package dev.idvstreams.image;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idvstreams.image.ImageRules.Breach;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class ImageRulesTest {

  private static final ImageRules CREDENTIAL = ImageRules.credential(3 * 1024 * 1024);
  private static final ImageRules FACE = ImageRules.face(900 * 1024);
  private static final byte[] SMALL_JPEG = SampleImages.write("jpeg", 64, 48);

  private static Optional<Breach> breach(ImageRules rules, byte[] bytes) {
    return rules.check("refFace", bytes).map(ImageRules.Refusal::breach);
  }

  @Test
  void shouldAcceptEveryCredentialFormatAndOnlyJpegFaces() {
    for (byte[] image : new byte[][] {SampleImages.write("png", 300, 200), SMALL_JPEG, SampleImages.write("bmp", 300, 200),
        SampleImages.webpLossy(300, 200), SampleImages.webpLossless(300, 200), SampleImages.webpExtended(300, 200)}) {
      assertThat(breach(CREDENTIAL, image)).isEmpty();
    }
    assertThat(breach(FACE, SMALL_JPEG)).isEmpty();
    assertThat(breach(FACE, SampleImages.write("png", 300, 200))).contains(Breach.FORMAT);
    assertThat(breach(FACE, SampleImages.webpLossy(300, 200))).contains(Breach.FORMAT);
    assertThat(breach(CREDENTIAL, "GIF89a....".getBytes())).contains(Breach.FORMAT);
  }

  @Test
  void shouldRefuseTheFourImagesThatReachedTheApi() {
    byte[] threeBytes = SampleImages.bytes(0xFF, 0xD8, 0xFF);

    for (ImageRules rules : new ImageRules[] {CREDENTIAL, FACE}) {
      assertThat(breach(rules, threeBytes)).contains(Breach.HEADER);
      assertThat(breach(rules, SampleImages.jpegDeclaring(SMALL_JPEG, 50000, 50000))).contains(Breach.DIMENSIONS);
      assertThat(breach(rules, SampleImages.jpegDeclaring(SMALL_JPEG, 9000, 24))).contains(Breach.DIMENSIONS);
      assertThat(breach(rules, SampleImages.jpegDeclaring(SMALL_JPEG, 0, 0))).contains(Breach.DIMENSIONS);
    }
  }

  @ParameterizedTest
  @CsvSource({
      "16, 16, true", "15, 100, false", "100, 15, false", "8191, 200, true", "8192, 200, false",
      "16, 799, true", "16, 800, false", "799, 16, true", "800, 16, false", "0, 100, false"})
  void shouldHoldCredentialSidesAndAspectToTheReference(int width, int height, boolean accepted) {
    byte[] image = SampleImages.jpegDeclaring(SMALL_JPEG, width, height);

    assertThat(breach(CREDENTIAL, image)).isEqualTo(accepted ? Optional.empty() : Optional.of(Breach.DIMENSIONS));
  }

  @ParameterizedTest
  @CsvSource({"16, 16, true", "15, 16, false", "16, 8192, true", "8193, 16, false", "0, 0, false"})
  void shouldHoldFaceSidesToTheProjectBound(int width, int height, boolean accepted) {
    byte[] image = HeaderOnlyJpeg.of(width, height, "");

    assertThat(breach(FACE, image)).isEqualTo(accepted ? Optional.empty() : Optional.of(Breach.DIMENSIONS));
  }

  @Test
  void shouldCapThePixelCountWhereTheSidesAllowIt() {
    assertThat(breach(FACE, HeaderOnlyJpeg.of(6324, 6324, ""))).isEmpty(); // 39.99 million
    assertThat(breach(FACE, HeaderOnlyJpeg.of(6325, 6325, ""))).contains(Breach.PIXELS);
    assertThat(breach(CREDENTIAL, HeaderOnlyJpeg.of(8000, 8000, ""))).contains(Breach.PIXELS);
    assertThat(breach(CREDENTIAL, SampleImages.webpExtended(8000, 6000))).contains(Breach.PIXELS);
  }

  @Test
  void shouldRefuseMoreBytesThanTheLimitBeforeLookingAtThem() {
    ImageRules small = ImageRules.face(SMALL_JPEG.length - 1);

    assertThat(breach(small, SMALL_JPEG)).contains(Breach.TOO_LARGE);
    assertThat(breach(ImageRules.face(SMALL_JPEG.length), SMALL_JPEG)).isEmpty();
  }

  @Test
  void shouldNameTheFieldAndTheLimitButNeverTheContent() {
    byte[] named = HeaderOnlyJpeg.of(9000, 24, "Zhang San 11010519491231002X");

    ImageRules.Refusal refusal = FACE.check("authFace", named).orElseThrow();

    assertThat(refusal.message()).contains("authFace", "9000x24", "8192").doesNotContain("Zhang", "11010519491231002X");
    assertThat(FACE.check("refFace", SampleImages.bytes(0xFF, 0xD8, 0xFF)).orElseThrow().message())
        .contains("refFace", "JPEG", "TRUNCATED");
  }
}
