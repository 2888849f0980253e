package dev.idvstreams.check;

import dev.idvstreams.api.Api;
import dev.idvstreams.avro.CredentialCheck;
import dev.idvstreams.avro.FaceCheck;
import dev.idvstreams.avro.MaterialCheck;
import dev.idvstreams.avro.VerificationRequest;

/** Which API a request's check goes to. */
public final class Checks {

  private Checks() {}

  public static Api apiOf(VerificationRequest request) {
    Object check = request.getCheck();
    if (check instanceof CredentialCheck) {
      return Api.CREDENTIAL_VERIFY_INTL;
    }
    if (check instanceof MaterialCheck) {
      return Api.VERIFY_MATERIAL;
    }
    if (check instanceof FaceCheck) {
      return Api.FACE_VERIFY;
    }
    throw new IllegalArgumentException("unknown check type " + (check == null ? "null" : check.getClass().getName()));
  }
}
