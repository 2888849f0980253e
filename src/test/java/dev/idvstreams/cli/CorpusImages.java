package dev.idvstreams.cli;

import dev.idvstreams.image.SampleImages;
import java.util.Arrays;

/** Real images written by ImageIO, and hand-made headers that lie about what follows. */
final class CorpusImages {

  private CorpusImages() {}

  static byte[] jpeg(int width, int height) {
    return write("jpg", width, height);
  }

  static byte[] png(int width, int height) {
    return write("png", width, height);
  }

  static byte[] gif(int width, int height) {
    return write("gif", width, height);
  }

  static byte[] bmp(int width, int height) {
    return write("bmp", width, height);
  }

  /**
   * A JPEG of nothing but a start-of-image, a baseline start-of-frame declaring {@code width} x
   * {@code height} (three components) and an end-of-image: a reader that believes the header
   * allocates width x height pixels.
   */
  static byte[] jpegDeclaring(int width, int height) {
    byte[] b = {
      (byte) 0xFF, (byte) 0xD8,
      (byte) 0xFF, (byte) 0xC0, 0, 17, 8,
      (byte) (height >> 8), (byte) height, (byte) (width >> 8), (byte) width,
      3, 1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1,
      (byte) 0xFF, (byte) 0xD9};
    return b;
  }

  /** A PNG signature and an IHDR chunk declaring {@code width} x {@code height}, then nothing. */
  static byte[] pngDeclaring(int width, int height) {
    byte[] real = png(16, 16);
    byte[] b = Arrays.copyOf(real, 33); // signature (8) + IHDR length, type, 13 bytes of data, CRC
    b[16] = (byte) (width >>> 24);
    b[17] = (byte) (width >>> 16);
    b[18] = (byte) (width >>> 8);
    b[19] = (byte) width;
    b[20] = (byte) (height >>> 24);
    b[21] = (byte) (height >>> 16);
    b[22] = (byte) (height >>> 8);
    b[23] = (byte) height;
    java.util.zip.CRC32 crc = new java.util.zip.CRC32();
    crc.update(b, 12, 17);
    long c = crc.getValue();
    b[29] = (byte) (c >>> 24);
    b[30] = (byte) (c >>> 16);
    b[31] = (byte) (c >>> 8);
    b[32] = (byte) c;
    return b;
  }

  private static byte[] write(String format, int width, int height) {
    return SampleImages.write(format, width, height);
  }
}
