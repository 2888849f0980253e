package dev.idvstreams.config;

/**
 * The three APIs as configuration keys and metric tags name them ({@code qps.face-verify},
 * {@code api="face-verify"}). The command line maps them to the client's API enum and the
 * events' check type ({@code cli.Apis}).
 */
public enum ApiName {
  /** CredentialVerifyIntl (reference 000_3920d8a9be95c4cb.txt). */
  CREDENTIAL_VERIFY_INTL("credential-verify-intl"),
  /** VerifyMaterial (reference 001_6b50e83eedc0b45d.txt). */
  VERIFY_MATERIAL("verify-material"),
  /** SAF ExecuteRequest with Service=intl_face_verify (reference 002_375eb6ea701a5179.txt). */
  FACE_VERIFY("face-verify");

  private final String id;

  ApiName(String id) {
    this.id = id;
  }

  /** The lower-case, dashed name used as the last segment of per-API keys and as the metric tag. */
  public String id() {
    return id;
  }
}
