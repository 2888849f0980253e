package dev.idvstreams.check;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idvstreams.aliyun.ApiException;
import dev.idvstreams.api.Api;
import dev.idvstreams.async.FailureKind;
import org.junit.jupiter.api.Test;

class FailureMappingTest {

  @Test
  void shouldTellATransientAnswerFromNoAnswerAtAll() {
    Api api = Api.CREDENTIAL_VERIFY_INTL;

    assertThat(FailureMapping.classify(ApiException.of(api, "InternalError", 500, "r-1")))
        .as("the provider answered").isEqualTo(FailureKind.TRANSIENT);
    assertThat(FailureMapping.classify(ApiException.of(api, ApiException.TIMEOUT, null, null)))
        .isEqualTo(FailureKind.UNANSWERED);
    assertThat(FailureMapping.classify(ApiException.of(api, ApiException.NETWORK_ERROR, null, null)))
        .isEqualTo(FailureKind.UNANSWERED);
    assertThat(FailureMapping.classify(ApiException.of(api, "Forbidden.AccountAccessDenied", 403, "r-2")))
        .isEqualTo(FailureKind.ACCOUNT);
    assertThat(FailureMapping.classify(new IllegalStateException("a bug"))).isEqualTo(FailureKind.FATAL);
  }
}
