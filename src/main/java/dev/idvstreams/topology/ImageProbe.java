package dev.idvstreams.topology;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;
import java.util.Optional;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;

/**
 * What validation needs to know of inline image bytes: the format from the magic number and, where
 * the JDK's ImageIO reads the header (PNG, JPEG, BMP), the dimensions, without decoding the pixels.
 */
record ImageProbe(Format format, int width, int height) {

  enum Format { PNG, JPEG, BMP, WEBP, UNKNOWN }

  static final int UNKNOWN_DIMENSION = -1;

  boolean hasDimensions() {
    return width != UNKNOWN_DIMENSION && height != UNKNOWN_DIMENSION;
  }

  static ImageProbe of(byte[] bytes) {
    Format format = formatOf(bytes);
    if (format == Format.UNKNOWN || format == Format.WEBP) {
      // ImageIO has no WebP reader; the API checks WebP dimensions itself
      return new ImageProbe(format, UNKNOWN_DIMENSION, UNKNOWN_DIMENSION);
    }
    return dimensions(bytes).map(d -> new ImageProbe(format, d[0], d[1]))
        .orElse(new ImageProbe(format, UNKNOWN_DIMENSION, UNKNOWN_DIMENSION));
  }

  private static Format formatOf(byte[] b) {
    if (startsWith(b, 0x89, 'P', 'N', 'G')) {
      return Format.PNG;
    }
    if (startsWith(b, 0xFF, 0xD8, 0xFF)) {
      return Format.JPEG;
    }
    if (startsWith(b, 'B', 'M')) {
      return Format.BMP;
    }
    if (b.length >= 12 && startsWith(b, 'R', 'I', 'F', 'F') && b[8] == 'W' && b[9] == 'E' && b[10] == 'B' && b[11] == 'P') {
      return Format.WEBP;
    }
    return Format.UNKNOWN;
  }

  private static boolean startsWith(byte[] bytes, int... prefix) {
    if (bytes.length < prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if ((bytes[i] & 0xFF) != prefix[i]) {
        return false;
      }
    }
    return true;
  }

  private static Optional<int[]> dimensions(byte[] bytes) {
    try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(bytes))) {
      Iterator<ImageReader> readers = ImageIO.getImageReaders(in);
      if (!readers.hasNext()) {
        return Optional.empty();
      }
      ImageReader reader = readers.next();
      try {
        reader.setInput(in, true, true);
        return Optional.of(new int[] {reader.getWidth(0), reader.getHeight(0)});
      } finally {
        reader.dispose();
      }
    } catch (IOException | RuntimeException e) {
      // a header ImageIO cannot read: the format check stands, the dimensions stay unknown
      return Optional.empty();
    }
  }
}
