package dev.idvstreams.image;

import java.util.zip.CRC32;

/**
 * The format and the declared dimensions of image bytes, read from the header alone: no pixel is
 * decoded and nothing is allocated in proportion to the input, so a header declaring 50000 × 50000
 * pixels costs what a small one costs. Any byte array gives a result, never an exception, and the
 * JPEG walk only moves forward, so it ends within the array's length.
 */
public final class ImageProbe {

  public enum Format { PNG, JPEG, BMP, WEBP, UNKNOWN }

  /** Why a header could not be read. */
  public enum Reason {
    /** no magic number of a known format */
    UNKNOWN_FORMAT,
    /** the bytes end before the dimensions (or before the segment that holds them) */
    TRUNCATED,
    /** a JPEG whose markers reach the end of the image or a scan before any frame header */
    NO_FRAME_HEADER,
    /** the header contradicts its format: a bad signature, length, checksum or header type */
    MALFORMED
  }

  /** What the probe found. */
  public sealed interface Result permits Header, Unreadable {
    Format format();
  }

  /** The dimensions the header declares; wide enough for every format's field (PNG's are unsigned 32-bit). */
  public record Header(Format format, long width, long height) implements Result {
  }

  public record Unreadable(Format format, Reason reason) implements Result {
  }

  private static final byte[] PNG_SIGNATURE = {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
  private static final int PNG_IHDR_LENGTH = 13;
  private static final int BMP_FILE_HEADER = 14;
  private static final int BMP_CORE_HEADER = 12;
  private static final int WEBP_CHUNK_DATA = 20; // RIFF, size, WEBP, then the first chunk's fourCC and size

  private ImageProbe() {}

  /** @param bytes the whole image or any prefix of it; not null */
  public static Result of(byte[] bytes) {
    Format format = formatOf(bytes);
    return switch (format) {
      case PNG -> png(bytes);
      case JPEG -> jpeg(bytes);
      case BMP -> bmp(bytes);
      case WEBP -> webp(bytes);
      case UNKNOWN -> new Unreadable(Format.UNKNOWN, Reason.UNKNOWN_FORMAT);
    };
  }

  /** The magic numbers only, short enough that a header cut right after them still shows its format. */
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
    if (startsWith(b, 'R', 'I', 'F', 'F') && b.length >= 12 && b[8] == 'W' && b[9] == 'E' && b[10] == 'B' && b[11] == 'P') {
      return Format.WEBP;
    }
    return Format.UNKNOWN;
  }

  /** PNG: the signature, then IHDR first, its CRC checked, as every decoder checks it. */
  private static Result png(byte[] b) {
    int ihdr = PNG_SIGNATURE.length;
    int end = ihdr + 8 + PNG_IHDR_LENGTH + 4;
    for (int i = 0; i < PNG_SIGNATURE.length; i++) {
      if (i >= b.length) {
        return unreadable(Format.PNG, Reason.TRUNCATED);
      }
      if (b[i] != PNG_SIGNATURE[i]) {
        return unreadable(Format.PNG, Reason.MALFORMED);
      }
    }
    if (b.length < end) {
      return unreadable(Format.PNG, Reason.TRUNCATED);
    }
    if (u32be(b, ihdr) != PNG_IHDR_LENGTH || b[ihdr + 4] != 'I' || b[ihdr + 5] != 'H' || b[ihdr + 6] != 'D'
        || b[ihdr + 7] != 'R') {
      return unreadable(Format.PNG, Reason.MALFORMED);
    }
    CRC32 crc = new CRC32();
    crc.update(b, ihdr + 4, 4 + PNG_IHDR_LENGTH);
    if (crc.getValue() != u32be(b, ihdr + 8 + PNG_IHDR_LENGTH)) {
      return unreadable(Format.PNG, Reason.MALFORMED);
    }
    return new Header(Format.PNG, u32be(b, ihdr + 8), u32be(b, ihdr + 12));
  }

  /**
   * JPEG: the segments after SOI up to the first frame header (SOF0..SOF15 but DHT C4, JPG C8 and
   * DAC CC, which share the range). Fill bytes (FF) before a marker are skipped; markers without a
   * length (TEM, RST0..7) stand alone.
   */
  private static Result jpeg(byte[] b) {
    int pos = 2;
    while (true) {
      if (pos >= b.length) {
        return unreadable(Format.JPEG, Reason.TRUNCATED);
      }
      if ((b[pos] & 0xFF) != 0xFF) {
        return unreadable(Format.JPEG, Reason.MALFORMED);
      }
      while (pos < b.length && (b[pos] & 0xFF) == 0xFF) {
        pos++;
      }
      if (pos >= b.length) {
        return unreadable(Format.JPEG, Reason.TRUNCATED);
      }
      int marker = b[pos++] & 0xFF;
      if (marker == 0x01 || (marker >= 0xD0 && marker <= 0xD7)) {
        continue;
      }
      if (marker == 0xD9 || marker == 0xDA) {
        return unreadable(Format.JPEG, Reason.NO_FRAME_HEADER);
      }
      if (marker == 0x00 || marker == 0xD8) {
        return unreadable(Format.JPEG, Reason.MALFORMED);
      }
      if (b.length - pos < 2) {
        return unreadable(Format.JPEG, Reason.TRUNCATED);
      }
      int length = u16be(b, pos);
      if (length < 2) {
        return unreadable(Format.JPEG, Reason.MALFORMED);
      }
      if (isFrameHeader(marker)) {
        return frameHeader(b, pos, length);
      }
      if (length > b.length - pos) { // the frame header cannot come before this segment ends
        return unreadable(Format.JPEG, Reason.TRUNCATED);
      }
      pos += length;
    }
  }

  private static boolean isFrameHeader(int marker) {
    return marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
  }

  /** Lf, P, Y, X, Nf, then three bytes per component: the whole segment must be there and add up. */
  private static Result frameHeader(byte[] b, int pos, int length) {
    if (length < 8) {
      return unreadable(Format.JPEG, Reason.MALFORMED);
    }
    if (length > b.length - pos) {
      return unreadable(Format.JPEG, Reason.TRUNCATED);
    }
    int components = b[pos + 7] & 0xFF;
    if (components == 0 || length != 8 + 3 * components) {
      return unreadable(Format.JPEG, Reason.MALFORMED);
    }
    return new Header(Format.JPEG, u16be(b, pos + 5), u16be(b, pos + 3));
  }

  /**
   * BMP: the core header (12 bytes, unsigned 16-bit sides) or an info header (40 bytes and its
   * later versions, signed 32-bit sides; a negative height is a top-down image).
   */
  private static Result bmp(byte[] b) {
    if (b.length < BMP_FILE_HEADER + 4) {
      return unreadable(Format.BMP, Reason.TRUNCATED);
    }
    long headerSize = u32le(b, BMP_FILE_HEADER);
    boolean core = headerSize == BMP_CORE_HEADER;
    if (!core && headerSize != 40 && headerSize != 52 && headerSize != 56 && headerSize != 64 && headerSize != 108
        && headerSize != 124) {
      return unreadable(Format.BMP, Reason.MALFORMED);
    }
    if (b.length < BMP_FILE_HEADER + headerSize) {
      return unreadable(Format.BMP, Reason.TRUNCATED);
    }
    if (core) {
      return new Header(Format.BMP, u16le(b, 18), u16le(b, 20));
    }
    long width = (int) u32le(b, 18);
    long height = (int) u32le(b, 22);
    if (width < 0) {
      return unreadable(Format.BMP, Reason.MALFORMED);
    }
    return new Header(Format.BMP, width, Math.abs(height));
  }

  /** WebP: the first chunk, VP8 (lossy key frame), VP8L (lossless) or VP8X (extended, canvas size). */
  private static Result webp(byte[] b) {
    if (b.length < WEBP_CHUNK_DATA) {
      return unreadable(Format.WEBP, Reason.TRUNCATED);
    }
    long chunkSize = u32le(b, 16);
    int d = WEBP_CHUNK_DATA;
    if (b[12] == 'V' && b[13] == 'P' && b[14] == '8' && b[15] == ' ') {
      if (chunkSize < 10) {
        return unreadable(Format.WEBP, Reason.MALFORMED);
      }
      if (b.length < d + 10) {
        return unreadable(Format.WEBP, Reason.TRUNCATED);
      }
      boolean keyFrame = (b[d] & 0x01) == 0;
      if (!keyFrame || (b[d + 3] & 0xFF) != 0x9D || (b[d + 4] & 0xFF) != 0x01 || (b[d + 5] & 0xFF) != 0x2A) {
        return unreadable(Format.WEBP, Reason.MALFORMED);
      }
      return new Header(Format.WEBP, u16le(b, d + 6) & 0x3FFF, u16le(b, d + 8) & 0x3FFF);
    }
    if (b[12] == 'V' && b[13] == 'P' && b[14] == '8' && b[15] == 'L') {
      if (chunkSize < 5) {
        return unreadable(Format.WEBP, Reason.MALFORMED);
      }
      if (b.length < d + 5) {
        return unreadable(Format.WEBP, Reason.TRUNCATED);
      }
      long bits = u32le(b, d + 1);
      if ((b[d] & 0xFF) != 0x2F || (bits >>> 29) != 0) { // the signature byte, then version 0
        return unreadable(Format.WEBP, Reason.MALFORMED);
      }
      return new Header(Format.WEBP, (bits & 0x3FFF) + 1, ((bits >>> 14) & 0x3FFF) + 1);
    }
    if (b[12] == 'V' && b[13] == 'P' && b[14] == '8' && b[15] == 'X') {
      if (chunkSize != 10) {
        return unreadable(Format.WEBP, Reason.MALFORMED);
      }
      if (b.length < d + 10) {
        return unreadable(Format.WEBP, Reason.TRUNCATED);
      }
      return new Header(Format.WEBP, u24le(b, d + 4) + 1, u24le(b, d + 7) + 1);
    }
    return unreadable(Format.WEBP, Reason.MALFORMED);
  }

  private static Unreadable unreadable(Format format, Reason reason) {
    return new Unreadable(format, reason);
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

  private static int u16be(byte[] b, int at) {
    return (b[at] & 0xFF) << 8 | (b[at + 1] & 0xFF);
  }

  private static int u16le(byte[] b, int at) {
    return (b[at] & 0xFF) | (b[at + 1] & 0xFF) << 8;
  }

  private static long u24le(byte[] b, int at) {
    return (b[at] & 0xFF) | (b[at + 1] & 0xFF) << 8 | (long) (b[at + 2] & 0xFF) << 16;
  }

  private static long u32be(byte[] b, int at) {
    return (long) (b[at] & 0xFF) << 24 | (b[at + 1] & 0xFF) << 16 | (b[at + 2] & 0xFF) << 8 | (b[at + 3] & 0xFF);
  }

  private static long u32le(byte[] b, int at) {
    return (b[at] & 0xFF) | (b[at + 1] & 0xFF) << 8 | (b[at + 2] & 0xFF) << 16 | (long) (b[at + 3] & 0xFF) << 24;
  }
}
