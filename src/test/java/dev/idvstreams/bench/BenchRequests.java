package dev.idvstreams.bench;

import dev.idvstreams.api.Api;
import dev.idvstreams.avro.VerificationRequest;
import dev.idvstreams.demo.DemoBatch;
import java.util.ArrayList;
import java.util.List;

/**
 * Valid requests of one API that the simulator answers with a plain success: the demo's builders
 * with a marker that asks for no risk, no error ({@code clean} names no {@code sim-} marker;
 * {@code sim-status-1} is VerifyMaterial's pass; {@code ok} no face marker). Credential and
 * material checks carry image URLs, which the processor passes on without downloading (the API
 * downloads them), so nothing is fetched; the face check carries its bytes inline.
 */
public final class BenchRequests {

  private BenchRequests() {}

  /** {@code count} requests with the bizIds {@code prefix-0} .. {@code prefix-(count-1)}. */
  public static List<VerificationRequest> valid(Api api, String prefix, int count) {
    List<VerificationRequest> requests = new ArrayList<>(count);
    for (int i = 0; i < count; i++) {
      requests.add(one(api, prefix + "-" + i));
    }
    return requests;
  }

  public static VerificationRequest one(Api api, String bizId) {
    return switch (api) {
      case CREDENTIAL_VERIFY_INTL -> DemoBatch.credential(bizId, "clean");
      case VERIFY_MATERIAL -> DemoBatch.material(bizId, "sim-status-1");
      case FACE_VERIFY -> DemoBatch.face(bizId, "ok");
    };
  }
}
