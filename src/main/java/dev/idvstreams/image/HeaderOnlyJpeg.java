package dev.idvstreams.image;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;

/**
 * A JPEG that is all header: start of image, a comment, a baseline frame header, end of image, and
 * no scan. It passes {@link ImageRules#face} without being a picture, which is what the demo and the
 * tests need: the simulator reads its markers in the comment (docs/simulator.md).
 */
public final class HeaderOnlyJpeg {

  private static final int MAX_COMMENT = 0xFFFF - 2;

  private HeaderOnlyJpeg() {}

  /** @param comment Latin-1 text, at most 65533 characters */
  public static byte[] of(int width, int height, String comment) {
    byte[] text = comment.getBytes(StandardCharsets.ISO_8859_1);
    if (text.length > MAX_COMMENT || width < 0 || width > 0xFFFF || height < 0 || height > 0xFFFF) {
      throw new IllegalArgumentException("a comment of at most " + MAX_COMMENT + " bytes and sides of 0..65535");
    }
    ByteArrayOutputStream out = new ByteArrayOutputStream(text.length + 32);
    out.write(0xFF);
    out.write(0xD8);
    out.write(0xFF);
    out.write(0xFE);
    u16(out, text.length + 2);
    out.write(text, 0, text.length);
    out.write(0xFF);
    out.write(0xC0);
    u16(out, 8 + 3 * 3);
    out.write(8);
    u16(out, height);
    u16(out, width);
    out.write(3);
    out.writeBytes(new byte[] {1, 0x22, 0, 2, 0x11, 1, 3, 0x11, 1}); // Y 2x2 sampled, Cb and Cr 1x1
    out.write(0xFF);
    out.write(0xD9);
    return out.toByteArray();
  }

  private static void u16(ByteArrayOutputStream out, int value) {
    out.write(value >> 8);
    out.write(value & 0xFF);
  }
}
