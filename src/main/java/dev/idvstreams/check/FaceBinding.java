package dev.idvstreams.check;

import dev.idvstreams.aliyun.FaceVerifyRequest;
import dev.idvstreams.aliyun.FaceVerifyResponse;
import dev.idvstreams.aliyun.CallControl;
import dev.idvstreams.aliyun.IdVerificationClient;
import dev.idvstreams.api.Api;
import dev.idvstreams.async.CallLane;
import dev.idvstreams.async.AsyncCaller;
import dev.idvstreams.async.CallResult;
import dev.idvstreams.async.CancelScope;
import dev.idvstreams.avro.FaceCheck;
import dev.idvstreams.avro.VerificationRequest;
import dev.idvstreams.avro.VerificationResult;
import io.vertx.core.Future;
import java.time.Instant;

/**
 * SAF intl_face_verify: the API takes image bytes only, so images given by URL are downloaded in
 * {@link #prepare}, through a lane of their own (retried, not paced by the account's limit: the
 * downloads go to the images' hosts). {@link FaceVerifyRequest} holds bytes, so a paced call can
 * only send.
 */
final class FaceBinding implements CheckBinding<FaceVerifyRequest, FaceVerifyResponse> {

  private final IdVerificationClient client;
  private final CallLane<FaceVerifyRequest> downloads;

  FaceBinding(IdVerificationClient client, CallLane<FaceVerifyRequest> downloads) {
    this.client = client;
    this.downloads = downloads;
  }

  @Override
  public Api api() {
    return Api.FACE_VERIFY;
  }

  @Override
  public Future<CallResult<FaceVerifyRequest>> prepare(VerificationRequest request, CancelScope scope) {
    FaceCheck check = (FaceCheck) request.getCheck();
    return downloads.call(gate -> { // downloads are not paced: no permit asked
      Future<byte[]> refFace = client.image(Images.source(check.getRefFace()), gate.abort());
      Future<byte[]> authFace = client.image(Images.source(check.getAuthFace()), gate.abort());
      return Future.all(refFace, authFace)
          .map(both -> new FaceVerifyRequest(check.getResourceCode(), refFace.result(), authFace.result()));
    }, scope);
  }

  @Override
  public Future<FaceVerifyResponse> send(FaceVerifyRequest apiRequest, AsyncCaller.Gate gate) {
    return client.faceVerify(apiRequest, new CallControl(gate.permit(), gate.sent(), gate.abort()));
  }

  @Override
  public VerificationResult toResult(VerificationRequest request, FaceVerifyResponse answer, int attempts,
      Instant completedAt) {
    return ResultMapping.face(request, answer, attempts, completedAt);
  }
}
