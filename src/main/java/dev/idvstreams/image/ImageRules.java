package dev.idvstreams.image;

import dev.idvstreams.image.ImageProbe.Format;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

/**
 * What image bytes must be before an API call may carry them, judged from the header alone
 * ({@link ImageProbe}): size, format, a readable header, sides and pixel count. One instance per
 * API's limits (docs/provider-apis.md#image-rules). Messages name the field and the limit, never the
 * content.
 */
public final class ImageRules {

  /** Which rule an image breaks; callers turn it into their own code. */
  public enum Breach { TOO_LARGE, FORMAT, HEADER, DIMENSIONS, PIXELS }

  public record Refusal(Breach breach, String message) {
  }

  /**
   * The project's own cap, for every API: the documents state none, and decoding 40 million pixels
   * already takes 120 MB at three bytes a pixel, on the provider's side or ours.
   */
  public static final long MAX_PIXELS = 40_000_000L;

  // docs/provider-apis.md#credentialverifyintl-request: PNG, JPG, JPEG, BMP, WebP; 15 < width, height < 8192;
  // aspect ratio < 50
  private static final Set<Format> CREDENTIAL_FORMATS = EnumSet.of(Format.PNG, Format.JPEG, Format.BMP, Format.WEBP);
  // docs/provider-apis.md#face-verification-request: JPG only; the sides are the project's own bound,
  // the guide states none
  private static final Set<Format> FACE_FORMATS = EnumSet.of(Format.JPEG);
  private static final int FACE_MIN_SIDE = 16;
  private static final int FACE_MAX_SIDE = 8192;

  private final Set<Format> formats;
  private final long minSide;
  private final long maxSide;
  /** The longer side must be under this many times the shorter; 0 when there is no such limit. */
  private final long maxAspectExclusive;
  private final long maxBytes;
  private final String sidesText;

  private ImageRules(Set<Format> formats, long minSide, long maxSide, long maxAspectExclusive, long maxBytes,
      String sidesText) {
    this.formats = formats;
    this.minSide = minSide;
    this.maxSide = maxSide;
    this.maxAspectExclusive = maxAspectExclusive;
    this.maxBytes = maxBytes;
    this.sidesText = sidesText;
  }

  /** CredentialVerifyIntl's image. */
  public static ImageRules credential(long maxBytes) {
    return new ImageRules(CREDENTIAL_FORMATS, 16, 8191, 50, maxBytes,
        "15 < width, height < 8192 and an aspect ratio under 50");
  }

  /** A face verification photo. */
  public static ImageRules face(long maxBytes) {
    return new ImageRules(FACE_FORMATS, FACE_MIN_SIDE, FACE_MAX_SIDE, 0, maxBytes,
        FACE_MIN_SIDE + " <= width, height <= " + FACE_MAX_SIDE);
  }

  /** The first rule {@code bytes} break, checked in the order of {@link Breach}; empty when they may be sent. */
  public Optional<Refusal> check(String field, byte[] bytes) {
    if (bytes.length > maxBytes) {
      return refuse(Breach.TOO_LARGE, field + " has " + bytes.length + " bytes, at most " + maxBytes + " allowed");
    }
    ImageProbe.Result probe = ImageProbe.of(bytes);
    if (!formats.contains(probe.format())) {
      String found = probe.format() == Format.UNKNOWN ? "not a recognised image" : probe.format().toString();
      return refuse(Breach.FORMAT, field + " is " + found + ", expected one of " + formats);
    }
    if (!(probe instanceof ImageProbe.Header header)) {
      return refuse(Breach.HEADER, field + " is " + probe.format() + " but its header cannot be read: "
          + ((ImageProbe.Unreadable) probe).reason());
    }
    long w = header.width();
    long h = header.height();
    long shorter = Math.min(w, h);
    long longer = Math.max(w, h);
    boolean sidesOk = shorter >= minSide && longer <= maxSide
        && (maxAspectExclusive == 0 || longer < maxAspectExclusive * shorter);
    if (!sidesOk) {
      return refuse(Breach.DIMENSIONS, field + " is " + w + "x" + h + " px, expected " + sidesText);
    }
    if (w * h > MAX_PIXELS) {
      return refuse(Breach.PIXELS, field + " is " + w + "x" + h + " px, at most " + MAX_PIXELS + " pixels allowed");
    }
    return Optional.empty();
  }

  private static Optional<Refusal> refuse(Breach breach, String message) {
    return Optional.of(new Refusal(breach, message));
  }
}
