package dev.idvstreams.api;

import dev.idvstreams.avro.CheckType;
import java.util.Arrays;
import java.util.Optional;

/**
 * The three provider APIs: the one table of everything that names or defaults an API. The event's
 * {@link CheckType}, the configuration's key suffix and metric tag ({@link #id()}), the provider's
 * {@code Action} and version, its public endpoint and signature are columns of one row, so no other
 * class converts between them (docs/provider-apis.md).
 */
public enum Api {
  /** Credential image risk detection (docs/provider-apis.md#credentialverifyintl). */
  CREDENTIAL_VERIFY_INTL(CheckType.CREDENTIAL, "credential-verify-intl", "CredentialVerifyIntl", "2022-08-09",
      "cloudauth-intl.ap-southeast-1.aliyuncs.com", SignatureVersion.V3),
  /** Name, ID number and face against the authority (docs/provider-apis.md#verifymaterial). */
  VERIFY_MATERIAL(CheckType.MATERIAL, "verify-material", "VerifyMaterial", "2019-03-07", "cloudauth.aliyuncs.com",
      SignatureVersion.V3),
  /**
   * SAF {@code ExecuteRequest} with {@code Service=intl_face_verify}; its guide signs with 1.0
   * (docs/provider-apis.md#face-verification-saf-executerequest).
   */
  FACE_VERIFY(CheckType.FACE, "face-verify", "ExecuteRequest", "2019-05-21", "saf.ap-southeast-1.aliyuncs.com",
      SignatureVersion.V1);

  /** The SAF service this project calls through {@code ExecuteRequest}. */
  public static final String FACE_VERIFY_SERVICE = "intl_face_verify";

  private final CheckType checkType;
  private final String id;
  private final String action;
  private final String version;
  private final String defaultEndpoint;
  private final SignatureVersion defaultSignatureVersion;

  Api(CheckType checkType, String id, String action, String version, String defaultEndpoint,
      SignatureVersion defaultSignatureVersion) {
    this.checkType = checkType;
    this.id = id;
    this.action = action;
    this.version = version;
    this.defaultEndpoint = defaultEndpoint;
    this.defaultSignatureVersion = defaultSignatureVersion;
  }

  /** The check type of the requests and results this API serves. */
  public CheckType checkType() {
    return checkType;
  }

  /** The lower-case, dashed name: the last segment of per-API configuration keys and the {@code api} metric tag. */
  public String id() {
    return id;
  }

  /** The {@code Action} parameter, also the API's name on the command line ({@code --qps ExecuteRequest=50}). */
  public String action() {
    return action;
  }

  public String version() {
    return version;
  }

  /** The public endpoint, a host name. */
  public String defaultEndpoint() {
    return defaultEndpoint;
  }

  public SignatureVersion defaultSignatureVersion() {
    return defaultSignatureVersion;
  }

  /** The API that serves {@code checkType}. */
  public static Api of(CheckType checkType) {
    for (Api api : values()) {
      if (api.checkType == checkType) {
        return api;
      }
    }
    throw new IllegalArgumentException("no API serves check type " + checkType);
  }

  /** The API whose {@code Action} this is. */
  public static Optional<Api> byAction(String action) {
    return Arrays.stream(values()).filter(api -> api.action.equals(action)).findFirst();
  }

  /** The API whose {@link #id()} this is. */
  public static Optional<Api> byId(String id) {
    return Arrays.stream(values()).filter(api -> api.id.equals(id)).findFirst();
  }

  /** The API named by its action ({@code CredentialVerifyIntl}) or its constant ({@code FACE_VERIFY}). */
  public static Api parse(String name) {
    return byAction(name).or(() -> Arrays.stream(values()).filter(a -> a.name().equalsIgnoreCase(name)).findFirst())
        .orElseThrow(() -> new IllegalArgumentException("Unknown API '" + name
            + "': expected one of CredentialVerifyIntl, VerifyMaterial, ExecuteRequest"));
  }
}
