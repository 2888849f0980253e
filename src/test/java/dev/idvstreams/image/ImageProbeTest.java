package dev.idvstreams.image;

import static dev.idvstreams.image.SampleImages.bytes;
import static dev.idvstreams.image.SampleImages.concat;
import static org.assertj.core.api.Assertions.assertThat;

import dev.idvstreams.image.ImageProbe.Format;
import dev.idvstreams.image.ImageProbe.Header;
import dev.idvstreams.image.ImageProbe.Reason;
import dev.idvstreams.image.ImageProbe.Unreadable;
import java.util.Arrays;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

class ImageProbeTest {

  @ParameterizedTest
  @CsvSource({"png, 1, 1", "png, 17, 300", "png, 640, 480", "png, 1000, 16",
      "jpeg, 1, 1", "jpeg, 17, 300", "jpeg, 640, 480", "jpeg, 1000, 16", "jpeg, 9, 4097",
      "bmp, 1, 1", "bmp, 17, 300", "bmp, 640, 480", "bmp, 1000, 16"})
  void shouldAgreeWithImageIoOnRealImages(String format, int width, int height) {
    byte[] image = SampleImages.write(format, width, height);

    assertThat(ImageProbe.of(image)).isEqualTo(new Header(Format.valueOf(format.toUpperCase()), width, height));
    assertThat(SampleImages.imageIoDimensions(image)).containsExactly(width, height);
  }

  @Test
  void shouldReadTheFrameHeaderOfAProgressiveJpeg() {
    byte[] image = SampleImages.progressiveJpeg(333, 77);
    int sof = SampleImages.frameHeaderOffset(image);

    assertThat(image[sof + 1] & 0xFF).isEqualTo(0xC2);
    assertThat(ImageProbe.of(image)).isEqualTo(new Header(Format.JPEG, 333, 77));
    assertThat(SampleImages.imageIoDimensions(image)).containsExactly(333, 77);
  }

  static Stream<Arguments> realHeaders() {
    return Stream.of(
        Arguments.of(Format.PNG, SampleImages.write("png", 300, 200), 4),
        Arguments.of(Format.JPEG, SampleImages.write("jpeg", 300, 200), 3),
        Arguments.of(Format.JPEG, SampleImages.progressiveJpeg(300, 200), 3),
        Arguments.of(Format.BMP, SampleImages.write("bmp", 300, 200), 2),
        Arguments.of(Format.WEBP, SampleImages.webpLossy(300, 200), 12),
        Arguments.of(Format.WEBP, SampleImages.webpLossless(300, 200), 12),
        Arguments.of(Format.WEBP, SampleImages.webpExtended(300, 200), 12));
  }

  @ParameterizedTest
  @MethodSource("realHeaders")
  void shouldCallEveryPrefixOfTheHeaderTruncated(Format format, byte[] image, int magicLength) {
    int end = SampleImages.headerEnd(image, format);
    for (int length = 0; length < end; length++) {
      ImageProbe.Result result = ImageProbe.of(Arrays.copyOf(image, length));
      if (length < magicLength) {
        assertThat(result).as("%d bytes", length).isEqualTo(new Unreadable(Format.UNKNOWN, Reason.UNKNOWN_FORMAT));
      } else {
        assertThat(result).as("%d bytes", length).isEqualTo(new Unreadable(format, Reason.TRUNCATED));
      }
    }
    assertThat(ImageProbe.of(Arrays.copyOf(image, end))).isEqualTo(new Header(format, 300, 200));
  }

  @Test
  void shouldCallTheThreeByteJpegTruncated() {
    assertThat(ImageProbe.of(bytes(0xFF, 0xD8, 0xFF))).isEqualTo(new Unreadable(Format.JPEG, Reason.TRUNCATED));
  }

  @ParameterizedTest
  @CsvSource({"50000, 50000", "9000, 24", "0, 0", "65535, 1"})
  void shouldReportWhatAPatchedFrameHeaderDeclaresWithoutDecoding(int width, int height) {
    byte[] patched = SampleImages.jpegDeclaring(SampleImages.write("jpeg", 64, 48), width, height);

    assertThat(ImageProbe.of(patched)).isEqualTo(new Header(Format.JPEG, width, height));
  }

  @Test
  void shouldSkipFillBytesAndStandaloneMarkers() {
    byte[] image = SampleImages.write("jpeg", 123, 45);
    int sof = SampleImages.frameHeaderOffset(image);
    byte[] padded = concat(Arrays.copyOf(image, sof), bytes(0xFF, 0x01, 0xFF, 0xFF, 0xD3, 0xFF, 0xFF, 0xFF),
        Arrays.copyOfRange(image, sof, image.length));

    assertThat(ImageProbe.of(padded)).isEqualTo(new Header(Format.JPEG, 123, 45));
  }

  @Test
  void shouldNotTakeHuffmanArithmeticOrReservedSegmentsForFrameHeaders() {
    byte[] image = SampleImages.write("jpeg", 123, 45);
    int sof = SampleImages.frameHeaderOffset(image);
    // each laid out like a frame header declaring 9999 x 9999
    byte[] lookalike = bytes(0x00, 0x11, 0x08, 0x27, 0x0F, 0x27, 0x0F, 0x03, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1);
    byte[] disguised = concat(Arrays.copyOf(image, sof), bytes(0xFF, 0xC4), lookalike, bytes(0xFF, 0xC8), lookalike,
        bytes(0xFF, 0xCC), lookalike, Arrays.copyOfRange(image, sof, image.length));

    assertThat(ImageProbe.of(disguised)).isEqualTo(new Header(Format.JPEG, 123, 45));
  }

  @Test
  void shouldFindNoFrameHeaderBeforeTheScanOrTheEnd() {
    assertThat(ImageProbe.of(bytes(0xFF, 0xD8, 0xFF, 0xD9))).isEqualTo(new Unreadable(Format.JPEG, Reason.NO_FRAME_HEADER));
    assertThat(ImageProbe.of(bytes(0xFF, 0xD8, 0xFF, 0xFE, 0x00, 0x03, 'x', 0xFF, 0xDA, 0x00, 0x02)))
        .isEqualTo(new Unreadable(Format.JPEG, Reason.NO_FRAME_HEADER));
  }

  @Test
  void shouldCallBrokenJpegStructureMalformed() {
    byte[] image = SampleImages.write("jpeg", 20, 20);
    int sof = SampleImages.frameHeaderOffset(image);
    byte[] badLength = image.clone();
    badLength[sof + 2] = 0;
    badLength[sof + 3] = 9; // fewer bytes than its three components need
    byte[] junkBetweenSegments = concat(Arrays.copyOf(image, sof), bytes(0x42), Arrays.copyOfRange(image, sof, image.length));

    assertThat(ImageProbe.of(badLength)).isEqualTo(new Unreadable(Format.JPEG, Reason.MALFORMED));
    assertThat(ImageProbe.of(junkBetweenSegments)).isEqualTo(new Unreadable(Format.JPEG, Reason.MALFORMED));
    assertThat(ImageProbe.of(bytes(0xFF, 0xD8, 0xFF, 0xE0, 0x00, 0x01))).isEqualTo(new Unreadable(Format.JPEG, Reason.MALFORMED));
  }

  @Test
  void shouldReadTheHeaderOnlyJpegOfTheDemo() {
    assertThat(ImageProbe.of(HeaderOnlyJpeg.of(640, 480, "sim-mismatch"))).isEqualTo(new Header(Format.JPEG, 640, 480));
  }

  @Test
  void shouldRefuseAPngWhoseHeaderChecksumIsWrong() {
    byte[] image = SampleImages.write("png", 10, 10);
    image[16 + 3] = (byte) 200; // width 200, CRC left as it was

    assertThat(ImageProbe.of(image)).isEqualTo(new Unreadable(Format.PNG, Reason.MALFORMED));
  }

  @Test
  void shouldReadATopDownBmpHeightAsPositive() {
    byte[] image = SampleImages.write("bmp", 31, 7);
    int height = -7;
    for (int i = 0; i < 4; i++) {
      image[22 + i] = (byte) (height >> (8 * i));
    }

    assertThat(ImageProbe.of(image)).isEqualTo(new Header(Format.BMP, 31, 7));
  }

  @Test
  void shouldReadTheBmpCoreHeader() {
    byte[] core = concat(bytes('B', 'M', 0, 0, 0, 0, 0, 0, 0, 0, 26, 0, 0, 0), bytes(12, 0, 0, 0, 0x2C, 0x01, 0xC8, 0x00, 1, 0, 24, 0));

    assertThat(ImageProbe.of(core)).isEqualTo(new Header(Format.BMP, 300, 200));
    assertThat(ImageProbe.of(Arrays.copyOf(core, 25))).isEqualTo(new Unreadable(Format.BMP, Reason.TRUNCATED));
  }

  @Test
  void shouldRefuseBmpHeaderSizesNoVersionHas() {
    byte[] image = SampleImages.write("bmp", 20, 20);
    image[14] = 41;

    assertThat(ImageProbe.of(image)).isEqualTo(new Unreadable(Format.BMP, Reason.MALFORMED));
  }

  @Test
  void shouldReadEachWebpKind() {
    assertThat(ImageProbe.of(SampleImages.webpLossy(16383, 1))).isEqualTo(new Header(Format.WEBP, 16383, 1));
    assertThat(ImageProbe.of(SampleImages.webpLossless(16384, 2))).isEqualTo(new Header(Format.WEBP, 16384, 2));
    assertThat(ImageProbe.of(SampleImages.webpExtended(1 << 24, 50000))).isEqualTo(new Header(Format.WEBP, 1 << 24, 50000));
  }

  @Test
  void shouldRefuseWebpChunksItCannotRead() {
    byte[] interFrame = SampleImages.webpLossy(20, 20);
    interFrame[20] |= 0x01;
    byte[] badStartCode = SampleImages.webpLossy(20, 20);
    badStartCode[23] = 0;
    byte[] otherChunk = SampleImages.webpLossy(20, 20);
    otherChunk[15] = 'Q';

    assertThat(ImageProbe.of(interFrame)).isEqualTo(new Unreadable(Format.WEBP, Reason.MALFORMED));
    assertThat(ImageProbe.of(badStartCode)).isEqualTo(new Unreadable(Format.WEBP, Reason.MALFORMED));
    assertThat(ImageProbe.of(otherChunk)).isEqualTo(new Unreadable(Format.WEBP, Reason.MALFORMED));
  }

  @Test
  void shouldNotRecogniseOtherBytes() {
    assertThat(ImageProbe.of(new byte[0])).isEqualTo(new Unreadable(Format.UNKNOWN, Reason.UNKNOWN_FORMAT));
    assertThat(ImageProbe.of("GIF89a".getBytes())).isEqualTo(new Unreadable(Format.UNKNOWN, Reason.UNKNOWN_FORMAT));
    assertThat(ImageProbe.of(bytes(0xFF, 0xD8))).isEqualTo(new Unreadable(Format.UNKNOWN, Reason.UNKNOWN_FORMAT));
  }
}
