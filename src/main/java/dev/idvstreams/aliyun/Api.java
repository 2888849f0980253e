package dev.idvstreams.aliyun;

import java.util.Arrays;
import java.util.Optional;

/** The three operations, with what DESIGN.md section 4 and the reference documents give for each. */
public enum Api {
  /** 000_3920d8a9be95c4cb.txt: credential image risk detection. */
  CREDENTIAL_VERIFY_INTL("CredentialVerifyIntl", "2022-08-09",
      "cloudauth-intl.ap-southeast-1.aliyuncs.com", SignatureVersion.V3),
  /** 001_6b50e83eedc0b45d.txt: name, ID number and face against the authority. */
  VERIFY_MATERIAL("VerifyMaterial", "2019-03-07", "cloudauth.aliyuncs.com", SignatureVersion.V3),
  /** 002_375eb6ea701a5179.txt: SAF ExecuteRequest with Service=intl_face_verify; its guide signs with 1.0. */
  FACE_VERIFY("ExecuteRequest", "2019-05-21", "saf.ap-southeast-1.aliyuncs.com", SignatureVersion.V1);

  /** The SAF service this project calls through {@code ExecuteRequest}. */
  public static final String FACE_VERIFY_SERVICE = "intl_face_verify";

  private final String action;
  private final String version;
  private final String defaultEndpoint;
  private final SignatureVersion defaultSignatureVersion;

  Api(String action, String version, String defaultEndpoint, SignatureVersion defaultSignatureVersion) {
    this.action = action;
    this.version = version;
    this.defaultEndpoint = defaultEndpoint;
    this.defaultSignatureVersion = defaultSignatureVersion;
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

  /** The API whose {@code Action} this is. */
  public static Optional<Api> byAction(String action) {
    return Arrays.stream(values()).filter(api -> api.action.equals(action)).findFirst();
  }

  /** The API named by its action ({@code CredentialVerifyIntl}) or its constant ({@code FACE_VERIFY}). */
  public static Api parse(String name) {
    return byAction(name).or(() -> Arrays.stream(values()).filter(a -> a.name().equalsIgnoreCase(name)).findFirst())
        .orElseThrow(() -> new IllegalArgumentException("Unknown API '" + name
            + "': expected one of CredentialVerifyIntl, VerifyMaterial, ExecuteRequest"));
  }
}
