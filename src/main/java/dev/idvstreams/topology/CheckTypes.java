package dev.idvstreams.topology;

import dev.idvstreams.avro.CheckType;
import dev.idvstreams.avro.CredentialCheck;
import dev.idvstreams.avro.FaceCheck;
import dev.idvstreams.avro.MaterialCheck;
import dev.idvstreams.avro.VerificationRequest;

/** Which API a request's check goes to. */
public final class CheckTypes {

  private CheckTypes() {}

  public static CheckType of(VerificationRequest request) {
    Object check = request.getCheck();
    if (check instanceof CredentialCheck) {
      return CheckType.CREDENTIAL;
    }
    if (check instanceof MaterialCheck) {
      return CheckType.MATERIAL;
    }
    if (check instanceof FaceCheck) {
      return CheckType.FACE;
    }
    throw new IllegalArgumentException("unknown check type " + (check == null ? "null" : check.getClass().getName()));
  }
}
