package dev.idvstreams.topology;

import dev.idvstreams.avro.CredentialCheck;
import dev.idvstreams.avro.FaceCheck;
import dev.idvstreams.avro.Image;
import dev.idvstreams.avro.MaterialCheck;
import dev.idvstreams.avro.VerificationRequest;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * Checks a request against the limits the reference documents state, before any QPS is spent on
 * it. Messages name the field and the limit, never the field's value (personal data).
 */
public final class RequestValidator {

  static final int MAX_BIZ_ID_LENGTH = 64; // docs/provider-apis.md#verifymaterial-request: BizId, at most 64 characters
  // docs/provider-apis.md#credentialverifyintl-request: PNG, JPG, JPEG, BMP, WebP; 15 < width, height < 8192;
  // aspect ratio < 50; 3 MB inline
  private static final Set<ImageProbe.Format> CREDENTIAL_FORMATS =
      EnumSet.of(ImageProbe.Format.PNG, ImageProbe.Format.JPEG, ImageProbe.Format.BMP, ImageProbe.Format.WEBP);
  private static final int CREDENTIAL_MIN_SIDE_EXCLUSIVE = 15;
  private static final int CREDENTIAL_MAX_SIDE_EXCLUSIVE = 8192;
  private static final double CREDENTIAL_MAX_ASPECT_EXCLUSIVE = 50;
  private static final int CREDENTIAL_MAX_INLINE_BYTES = 3 * 1024 * 1024;
  // docs/provider-apis.md#face-verification-request: the photos must be JPG
  private static final Set<ImageProbe.Format> FACE_FORMATS = EnumSet.of(ImageProbe.Format.JPEG);

  private final int maxInlineBytes;

  /** @param maxInlineBytes the configured bound on inline image content ({@code image.inline.max-bytes}) */
  public RequestValidator(int maxInlineBytes) {
    this.maxInlineBytes = maxInlineBytes;
  }

  /** Every violation found; empty when the request may be sent. */
  public List<Violation> validate(VerificationRequest request) {
    List<Violation> violations = new ArrayList<>();
    String bizId = request.getBizId();
    if (bizId == null || bizId.isBlank()) {
      violations.add(new Violation("MISSING_BIZ_ID", "bizId is empty"));
    } else if (bizId.length() > MAX_BIZ_ID_LENGTH) {
      violations.add(new Violation("INVALID_BIZ_ID", "bizId has " + bizId.length() + " characters, at most " + MAX_BIZ_ID_LENGTH + " allowed"));
    }
    Object check = request.getCheck();
    if (check instanceof CredentialCheck c) {
      required(violations, "credType", c.getCredType());
      required(violations, "credName", c.getCredName());
      required(violations, "productCode", c.getProductCode());
      image(violations, "image", c.getImage(), CREDENTIAL_FORMATS, Math.min(maxInlineBytes, CREDENTIAL_MAX_INLINE_BYTES), true);
    } else if (check instanceof MaterialCheck m) {
      required(violations, "bizType", m.getBizType());
      required(violations, "name", m.getName());
      required(violations, "idCardNumber", m.getIdCardNumber());
      urlOnly(violations, "faceImage", m.getFaceImage());
      if (m.getIdCardFrontImage() != null) {
        urlOnly(violations, "idCardFrontImage", m.getIdCardFrontImage());
      }
      if (m.getIdCardBackImage() != null) {
        urlOnly(violations, "idCardBackImage", m.getIdCardBackImage());
      }
    } else if (check instanceof FaceCheck f) {
      required(violations, "resourceCode", f.getResourceCode());
      image(violations, "refFace", f.getRefFace(), FACE_FORMATS, maxInlineBytes, false);
      image(violations, "authFace", f.getAuthFace(), FACE_FORMATS, maxInlineBytes, false);
    } else {
      violations.add(new Violation("UNKNOWN_CHECK", "check is not one of CredentialCheck, MaterialCheck, FaceCheck"));
    }
    return violations;
  }

  private static void required(List<Violation> violations, String field, String value) {
    if (value == null || value.isBlank()) {
      violations.add(new Violation("MISSING_FIELD", field + " is empty"));
    }
  }

  private static boolean source(List<Violation> violations, String field, Image image) {
    boolean hasUrl = image.getUrl() != null && !image.getUrl().isBlank();
    boolean hasContent = image.getContent() != null && image.getContent().remaining() > 0;
    if (hasUrl == hasContent) {
      violations.add(new Violation("IMAGE_SOURCE", field + " must have exactly one of url or content"));
      return false;
    }
    if (hasUrl) {
      String scheme;
      try {
        scheme = URI.create(image.getUrl()).getScheme();
      } catch (IllegalArgumentException e) {
        scheme = null;
      }
      if (scheme == null || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))) {
        violations.add(new Violation("IMAGE_URL", field + ".url must be an http or https URL"));
      }
    }
    return true;
  }

  /** VerifyMaterial takes image URLs only (docs/provider-apis.md#verifymaterial-request: FaceImageUrl, ...). */
  private static void urlOnly(List<Violation> violations, String field, Image image) {
    if (source(violations, field, image) && image.getContent() != null && image.getContent().remaining() > 0) {
      violations.add(new Violation("IMAGE_SOURCE", field + " must be given by url: VerifyMaterial takes image URLs only"));
    }
  }

  private static void image(List<Violation> violations, String field, Image image, Set<ImageProbe.Format> formats,
      int maxBytes, boolean checkDimensions) {
    if (!source(violations, field, image) || image.getContent() == null) {
      return;
    }
    ByteBuffer content = image.getContent().duplicate();
    if (content.remaining() > maxBytes) {
      violations.add(new Violation("IMAGE_TOO_LARGE", field + " has " + content.remaining() + " bytes, at most " + maxBytes + " allowed inline"));
      return;
    }
    byte[] bytes = new byte[content.remaining()];
    content.get(bytes);
    ImageProbe probe = ImageProbe.of(bytes);
    if (!formats.contains(probe.format())) {
      violations.add(new Violation("IMAGE_FORMAT", field + " is " + probe.format() + ", expected one of " + formats));
      return;
    }
    if (checkDimensions && probe.hasDimensions()) {
      int w = probe.width();
      int h = probe.height();
      boolean sidesOk = w > CREDENTIAL_MIN_SIDE_EXCLUSIVE && h > CREDENTIAL_MIN_SIDE_EXCLUSIVE
          && w < CREDENTIAL_MAX_SIDE_EXCLUSIVE && h < CREDENTIAL_MAX_SIDE_EXCLUSIVE;
      double aspect = (double) Math.max(w, h) / Math.min(w, h);
      if (!sidesOk || aspect >= CREDENTIAL_MAX_ASPECT_EXCLUSIVE) {
        violations.add(new Violation("IMAGE_DIMENSIONS", field + " is " + w + "x" + h
            + ", expected 15 < width, height < 8192 and an aspect ratio under 50"));
      }
    }
  }
}
