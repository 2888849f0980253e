package dev.idvstreams.aliyun;

import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A {@code CredentialVerifyIntl} call (docs/provider-apis.md#credentialverifyintl-request):
 * {@code CredType}, {@code CredName}, {@code ProductCode} and the image, by {@code ImageUrl} or
 * inline ({@code ImageFileObject}).
 *
 * <p>Inline bytes: the official SDK's {@code credentialVerifyIntlAdvance} first uploads the stream to
 * OSS and then sends the OSS location in the body form field {@code ImageFile}. This client skips
 * the OSS upload and sends the image itself, base64-encoded, in that same body field, which is the
 * simplest request the operation's parameter list allows; the simulator accepts it. Against the real
 * service prefer {@code ImageUrl}.
 */
public record CredentialVerifyRequest(String credType, String credName, String productCode, ImageSource image) {

  /** The call mode the project defaults to (docs/provider-apis.md#credentialverifyintl-request). */
  public static final String DEFAULT_PRODUCT_CODE = "ANTI_FAKE_CHECK";

  public CredentialVerifyRequest {
    Objects.requireNonNull(credType, "credType");
    Objects.requireNonNull(credName, "credName");
    Objects.requireNonNull(image, "image");
    productCode = productCode == null ? DEFAULT_PRODUCT_CODE : productCode;
  }

  /** The operation's parameters, as the API names them. */
  public Map<String, String> parameters() {
    Map<String, String> params = new LinkedHashMap<>();
    params.put("CredType", credType);
    params.put("CredName", credName);
    params.put("ProductCode", productCode);
    if (image.isUrl()) {
      params.put("ImageUrl", image.url());
    } else {
      params.put("ImageFile", Base64.getEncoder().encodeToString(image.content()));
    }
    return params;
  }
}
