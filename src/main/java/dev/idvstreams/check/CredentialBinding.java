package dev.idvstreams.check;

import dev.idvstreams.aliyun.CredentialVerifyRequest;
import dev.idvstreams.aliyun.CredentialVerifyResponse;
import dev.idvstreams.aliyun.CallControl;
import dev.idvstreams.aliyun.IdVerificationClient;
import dev.idvstreams.api.Api;
import dev.idvstreams.async.AsyncCaller;
import dev.idvstreams.async.CallResult;
import dev.idvstreams.async.CancelScope;
import dev.idvstreams.avro.CredentialCheck;
import dev.idvstreams.avro.VerificationRequest;
import dev.idvstreams.avro.VerificationResult;
import io.vertx.core.Future;
import java.time.Instant;

/** CredentialVerifyIntl: the image goes as it came, a URL or its bytes (the API downloads URLs itself). */
final class CredentialBinding implements CheckBinding<CredentialVerifyRequest, CredentialVerifyResponse> {

  private final IdVerificationClient client;

  CredentialBinding(IdVerificationClient client) {
    this.client = client;
  }

  @Override
  public Api api() {
    return Api.CREDENTIAL_VERIFY_INTL;
  }

  @Override
  public Future<CallResult<CredentialVerifyRequest>> prepare(VerificationRequest request, CancelScope scope) {
    CredentialCheck check = (CredentialCheck) request.getCheck();
    return CheckBinding.ready(new CredentialVerifyRequest(check.getCredType(), check.getCredName(), check.getProductCode(),
        Images.source(check.getImage())));
  }

  @Override
  public Future<CredentialVerifyResponse> send(CredentialVerifyRequest apiRequest, AsyncCaller.Gate gate) {
    return client.credentialVerify(apiRequest, new CallControl(gate.permit(), gate.sent(), gate.abort()));
  }

  @Override
  public VerificationResult toResult(VerificationRequest request, CredentialVerifyResponse answer, int attempts,
      Instant completedAt) {
    return ResultMapping.credential(request, answer, attempts, completedAt);
  }
}
