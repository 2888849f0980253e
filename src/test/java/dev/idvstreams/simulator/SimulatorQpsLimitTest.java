package dev.idvstreams.simulator;

import static dev.idvstreams.simulator.SimulatorHarness.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.idvstreams.aliyun.Api;
import dev.idvstreams.aliyun.ApiException;
import dev.idvstreams.aliyun.CredentialVerifyRequest;
import dev.idvstreams.aliyun.CredentialVerifyResponse;
import dev.idvstreams.aliyun.ErrorClass;
import dev.idvstreams.aliyun.IdVerificationClient;
import dev.idvstreams.aliyun.ImageSource;
import dev.idvstreams.aliyun.TestImages;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Three times the QPS limit, for more than two seconds: throttling answers, and no 1-second window above the limit. */
class SimulatorQpsLimitTest {

  private static final int LIMIT = 10;

  @Test
  void shouldAnswerThrottlingAboveQpsLimit() {
    try (SimulatorHarness sim = new SimulatorHarness(SimulatorOptions.builder()
        .qps(Api.CREDENTIAL_VERIFY_INTL, LIMIT).build());
        IdVerificationClient client = sim.client(o -> o)) {
      List<Future<CredentialVerifyResponse>> calls = fireAtThreeTimesTheLimit(sim, client, 75);
      await(Future.join(calls).otherwiseEmpty());
      List<ApiException> failures = new ArrayList<>();
      int answered = 0;
      for (Future<CredentialVerifyResponse> call : calls) {
        if (call.succeeded()) {
          answered++;
        } else {
          failures.add((ApiException) call.cause());
        }
      }

      assertThat(failures).isNotEmpty().allSatisfy(e -> {
        assertThat(e.code()).isEqualTo("Throttling.User");
        assertThat(e.errorClass()).isEqualTo(ErrorClass.THROTTLED);
      });
      JsonObject stats = await(WebClient.create(sim.vertx).get(sim.port, "127.0.0.1", "/_sim/stats").send())
          .bodyAsJsonObject().getJsonObject("CredentialVerifyIntl");
      assertThat(stats.getInteger("calls")).isEqualTo(75);
      assertThat(stats.getInteger("accepted")).isEqualTo(answered).isBetween(2 * LIMIT, 3 * LIMIT + 1);
      assertThat(stats.getInteger("throttled")).isEqualTo(failures.size());
      assertThat(stats.getInteger("maxCallsInAnyOneSecondWindow")).isEqualTo(LIMIT);
      assertThat(sim.simulator.stats().get(Api.CREDENTIAL_VERIFY_INTL).maxCallsInAnyOneSecondWindow()).isEqualTo(LIMIT);
    }
  }

  /** {@code count} distinct calls, one every 1000 / (3 x LIMIT) ms, all started from a Vert.x timer. */
  private static List<Future<CredentialVerifyResponse>> fireAtThreeTimesTheLimit(SimulatorHarness sim,
      IdVerificationClient client, int count) {
    List<Future<CredentialVerifyResponse>> calls = new ArrayList<>();
    Promise<Void> allStarted = Promise.promise();
    sim.vertx.setPeriodic(1000 / (3 * LIMIT), id -> {
      calls.add(client.credentialVerify(new CredentialVerifyRequest("03", "0301", null,
          ImageSource.ofUrl(TestImages.url("plain")))));
      if (calls.size() == count) {
        sim.vertx.cancelTimer(id);
        allStarted.complete();
      }
    });
    await(allStarted.future());
    return calls;
  }
}
