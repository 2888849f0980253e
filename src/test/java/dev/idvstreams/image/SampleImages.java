package dev.idvstreams.image;

import java.awt.Color;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.Iterator;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/** Real images written by the JDK's ImageIO, ImageIO's reader as the oracle, and hand-made WebP headers. */
public final class SampleImages {

  private SampleImages() {}

  /** An image of {@code format} written by ImageIO (also the hostile corpus's source of real images). */
  public static byte[] write(String format, int width, int height) {
    BufferedImage image = picture(width, height);
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try {
      if (!ImageIO.write(image, format, out)) {
        throw new IllegalStateException("no ImageIO writer for " + format);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out.toByteArray();
  }

  /** A progressive JPEG: its frame header is SOF2, not SOF0. */
  static byte[] progressiveJpeg(int width, int height) {
    ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (MemoryCacheImageOutputStream stream = new MemoryCacheImageOutputStream(out)) {
      writer.setOutput(stream);
      ImageWriteParam param = writer.getDefaultWriteParam();
      param.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
      writer.write(null, new IIOImage(picture(width, height), null, null), param);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } finally {
      writer.dispose();
    }
    return out.toByteArray();
  }

  private static BufferedImage picture(int width, int height) {
    BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
    Graphics2D g = image.createGraphics();
    g.setColor(Color.ORANGE);
    g.fillRect(0, 0, width, height);
    g.setColor(Color.BLUE);
    g.drawLine(0, 0, width - 1, height - 1);
    g.dispose();
    return image;
  }

  /** What ImageIO's reader says the header declares: {width, height}. */
  static long[] imageIoDimensions(byte[] bytes) {
    try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
      Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
      ImageReader reader = readers.next();
      try {
        reader.setInput(in, true, true);
        return new long[] {reader.getWidth(0), reader.getHeight(0)};
      } finally {
        reader.dispose();
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Where the first frame header's marker (FF Cn) sits in a JPEG ImageIO wrote: its length follows. */
  static int frameHeaderOffset(byte[] jpeg) {
    int pos = 2;
    while (pos + 4 <= jpeg.length) {
      int marker = jpeg[pos + 1] & 0xFF;
      if (marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC) {
        return pos;
      }
      pos += 2 + ((jpeg[pos + 2] & 0xFF) << 8 | (jpeg[pos + 3] & 0xFF));
    }
    throw new IllegalStateException("no frame header");
  }

  /** The JPEG with its frame header declaring other sides. */
  static byte[] jpegDeclaring(byte[] jpeg, int width, int height) {
    byte[] patched = jpeg.clone();
    int sof = frameHeaderOffset(patched);
    patched[sof + 5] = (byte) (height >> 8);
    patched[sof + 6] = (byte) height;
    patched[sof + 7] = (byte) (width >> 8);
    patched[sof + 8] = (byte) width;
    return patched;
  }

  /** The bytes up to the end of the header that holds the dimensions; any shorter prefix is truncated. */
  static int headerEnd(byte[] image, ImageProbe.Format format) {
    return switch (format) {
      case PNG -> 33;
      case JPEG -> {
        int sof = frameHeaderOffset(image);
        yield sof + 2 + ((image[sof + 2] & 0xFF) << 8 | (image[sof + 3] & 0xFF));
      }
      case BMP -> 14 + (image[14] & 0xFF);
      case WEBP -> image[15] == 'L' ? 25 : 30; // VP8L's sides take 5 bytes, VP8's and VP8X's 10
      case UNKNOWN -> throw new IllegalArgumentException();
    };
  }

  /** A lossy WebP's header: RIFF, the VP8 chunk, a key frame tag, the start code and the 14-bit sides. */
  static byte[] webpLossy(int width, int height) {
    byte[] b = riff("VP8 ", 10);
    int d = 20;
    b[d] = 0x10; // key frame, version 0, shown
    b[d + 3] = (byte) 0x9D;
    b[d + 4] = 0x01;
    b[d + 5] = 0x2A;
    b[d + 6] = (byte) width;
    b[d + 7] = (byte) (width >> 8 & 0x3F);
    b[d + 8] = (byte) height;
    b[d + 9] = (byte) (height >> 8 & 0x3F);
    return b;
  }

  /** A lossless WebP's header: the 0x2F signature, then width-1 and height-1 in 14 bits each. */
  static byte[] webpLossless(int width, int height) {
    byte[] b = riff("VP8L", 5);
    int d = 20;
    b[d] = 0x2F;
    long bits = (width - 1L) | (height - 1L) << 14;
    for (int i = 0; i < 4; i++) {
      b[d + 1 + i] = (byte) (bits >> (8 * i));
    }
    return b;
  }

  /** An extended WebP's header: flags, reserved, then canvas width-1 and height-1 in 24 bits each. */
  static byte[] webpExtended(int width, int height) {
    byte[] b = riff("VP8X", 10);
    int d = 20;
    for (int i = 0; i < 3; i++) {
      b[d + 4 + i] = (byte) ((width - 1) >> (8 * i));
      b[d + 7 + i] = (byte) ((height - 1) >> (8 * i));
    }
    return b;
  }

  private static byte[] riff(String chunk, int chunkSize) {
    byte[] b = new byte[30];
    System.arraycopy("RIFF".getBytes(), 0, b, 0, 4);
    b[4] = 22; // the file's size less 8
    System.arraycopy("WEBP".getBytes(), 0, b, 8, 4);
    System.arraycopy(chunk.getBytes(), 0, b, 12, 4);
    b[16] = (byte) chunkSize;
    return b;
  }

  static byte[] concat(byte[]... parts) {
    int length = Arrays.stream(parts).mapToInt(p -> p.length).sum();
    byte[] all = new byte[length];
    int at = 0;
    for (byte[] part : parts) {
      System.arraycopy(part, 0, all, at, part.length);
      at += part.length;
    }
    return all;
  }

  static byte[] bytes(int... values) {
    byte[] b = new byte[values.length];
    for (int i = 0; i < values.length; i++) {
      b[i] = (byte) values[i];
    }
    return b;
  }
}
