package dev.idvstreams.topology;

import dev.idvstreams.avro.CredentialCheck;
import dev.idvstreams.avro.FaceCheck;
import dev.idvstreams.avro.Image;
import dev.idvstreams.avro.MaterialCheck;
import dev.idvstreams.avro.VerificationRequest;
import dev.idvstreams.image.ImageRules;
import java.net.URI;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;

/**
 * Checks a request against the limits the reference documents state, before any QPS is spent on
 * it, and against the few the project adds (docs/provider-apis.md#what-is-checked-before-a-call).
 * Messages name the field and the limit, never the field's value (personal data).
 */
public final class RequestValidator {

  // docs/provider-apis.md#credentialverifyintl-request: 3 MB inline
  private static final int CREDENTIAL_MAX_INLINE_BYTES = 3 * 1024 * 1024;

  private final ImageRules credentialImage;
  private final ImageRules faceImage;

  /** @param maxInlineBytes the configured bound on inline image content ({@code image.inline.max-bytes}) */
  public RequestValidator(int maxInlineBytes) {
    this.credentialImage = ImageRules.credential(Math.min(maxInlineBytes, CREDENTIAL_MAX_INLINE_BYTES));
    this.faceImage = ImageRules.face(maxInlineBytes);
  }

  /** Every violation found; empty when the request may be sent. */
  public List<Violation> validate(VerificationRequest request) {
    List<Violation> violations = new ArrayList<>();
    String bizId = request.getBizId();
    if (bizId == null || bizId.isBlank()) {
      violations.add(new Violation("MISSING_BIZ_ID", "bizId is empty"));
    } else if (bizId.length() > BizIds.MAX_LENGTH) {
      violations.add(new Violation("INVALID_BIZ_ID", "bizId has " + bizId.length() + " characters, at most " + BizIds.MAX_LENGTH + " allowed"));
    } else {
      plainText(violations, "bizId", bizId);
    }
    Object check = request.getCheck();
    if (check instanceof CredentialCheck c) {
      required(violations, "credType", c.getCredType());
      // docs/provider-apis.md#credentialverifyintl-request: CredName is the numeric code
      if (required(violations, "credName", c.getCredName()) && !c.getCredName().chars().allMatch(ch -> ch >= '0' && ch <= '9')) {
        violations.add(new Violation("INVALID_FIELD", "credName must be a numeric code (digits only)"));
      }
      required(violations, "productCode", c.getProductCode());
      image(violations, "image", c.getImage(), credentialImage);
    } else if (check instanceof MaterialCheck m) {
      required(violations, "bizType", m.getBizType());
      required(violations, "name", m.getName());
      if (required(violations, "idCardNumber", m.getIdCardNumber()) && !IdCardNumber.isValid(m.getIdCardNumber())) {
        violations.add(new Violation("INVALID_ID_NUMBER", "idCardNumber must be " + IdCardNumber.LENGTH
            + " characters, 17 digits and the GB 11643 check character (0-9 or X)"));
      }
      if (request.getUserId() != null) {
        plainText(violations, "userId", request.getUserId());
      }
      urlOnly(violations, "faceImage", m.getFaceImage());
      if (m.getIdCardFrontImage() != null) {
        urlOnly(violations, "idCardFrontImage", m.getIdCardFrontImage());
      }
      if (m.getIdCardBackImage() != null) {
        urlOnly(violations, "idCardBackImage", m.getIdCardBackImage());
      }
    } else if (check instanceof FaceCheck f) {
      required(violations, "resourceCode", f.getResourceCode());
      image(violations, "refFace", f.getRefFace(), faceImage);
      image(violations, "authFace", f.getAuthFace(), faceImage);
    } else {
      violations.add(new Violation("UNKNOWN_CHECK", "check is not one of CredentialCheck, MaterialCheck, FaceCheck"));
    }
    return violations;
  }

  /** Whether the field is present and plain text; a violation when not. */
  private static boolean required(List<Violation> violations, String field, String value) {
    if (value == null || value.isBlank()) {
      violations.add(new Violation("MISSING_FIELD", field + " is empty"));
      return false;
    }
    return plainText(violations, field, value);
  }

  /**
   * No field the APIs take is documented with control characters, and a line break in one would
   * also break the log lines and form bodies it travels through.
   */
  private static boolean plainText(List<Violation> violations, String field, String value) {
    boolean plain = value.chars().noneMatch(c -> c < 0x20 || c == 0x7F);
    if (!plain) {
      violations.add(new Violation("INVALID_FIELD", field + " contains control characters (U+0000-U+001F, U+007F)"));
    }
    return plain;
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
        // URI refuses control characters too, so a URL with a line break is an IMAGE_URL
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

  /** Inline bytes are judged here; an image given by URL is judged by whoever downloads it. */
  private static void image(List<Violation> violations, String field, Image image, ImageRules rules) {
    if (!source(violations, field, image) || image.getContent() == null) {
      return;
    }
    ByteBuffer content = image.getContent().duplicate();
    byte[] bytes = new byte[content.remaining()];
    content.get(bytes);
    rules.check(field, bytes).ifPresent(refusal ->
        violations.add(new Violation("IMAGE_" + refusal.breach().name(), refusal.message())));
  }
}
