package dev.idvstreams.check;

import dev.idvstreams.aliyun.CallControl;
import dev.idvstreams.aliyun.IdVerificationClient;
import dev.idvstreams.aliyun.VerifyMaterialRequest;
import dev.idvstreams.aliyun.VerifyMaterialResponse;
import dev.idvstreams.api.Api;
import dev.idvstreams.async.AsyncCaller;
import dev.idvstreams.async.CallResult;
import dev.idvstreams.async.CancelScope;
import dev.idvstreams.avro.Image;
import dev.idvstreams.avro.MaterialCheck;
import dev.idvstreams.avro.VerificationRequest;
import dev.idvstreams.avro.VerificationResult;
import io.vertx.core.Future;
import java.time.Instant;

/** VerifyMaterial: images by URL only (validation refuses inline bytes for it); the bizId is the API's own. */
final class MaterialBinding implements CheckBinding<VerifyMaterialRequest, VerifyMaterialResponse> {

  private final IdVerificationClient client;

  MaterialBinding(IdVerificationClient client) {
    this.client = client;
  }

  @Override
  public Api api() {
    return Api.VERIFY_MATERIAL;
  }

  @Override
  public Future<CallResult<VerifyMaterialRequest>> prepare(VerificationRequest request, CancelScope scope) {
    MaterialCheck check = (MaterialCheck) request.getCheck();
    return CheckBinding.ready(new VerifyMaterialRequest(request.getBizId(), check.getBizType(), check.getName(),
        check.getIdCardNumber(), check.getFaceImage().getUrl(), urlOrNull(check.getIdCardFrontImage()),
        urlOrNull(check.getIdCardBackImage()), request.getUserId(), null));
  }

  @Override
  public Future<VerifyMaterialResponse> send(VerifyMaterialRequest apiRequest, AsyncCaller.Gate gate) {
    return client.verifyMaterial(apiRequest, new CallControl(gate.permit(), gate.sent(), gate.abort()));
  }

  @Override
  public VerificationResult toResult(VerificationRequest request, VerifyMaterialResponse answer, int attempts,
      Instant completedAt) {
    return ResultMapping.material(request, answer, attempts, completedAt);
  }

  private static String urlOrNull(Image image) {
    return image == null ? null : image.getUrl();
  }
}
