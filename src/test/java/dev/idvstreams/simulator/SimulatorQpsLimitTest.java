package dev.idvstreams.simulator;

import static dev.idvstreams.simulator.SimulatorHarness.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.idvstreams.api.Api;
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

/**
 * Three times the QPS limit: first as one burst, then paced at three times the limit for 1.5 s.
 * Throttling answers come back, and {@code /_sim/stats} shows no 1-second window above the limit.
 */
class SimulatorQpsLimitTest {

  private static final int LIMIT = 10;
  private static final int BURST = 3 * LIMIT;
  private static final int PACED = 45;

  @Test
  void shouldAnswerThrottlingAboveQpsLimit() {
    try (SimulatorHarness sim = new SimulatorHarness(SimulatorOptions.builder()
        .qps(Api.CREDENTIAL_VERIFY_INTL, LIMIT).build());
        IdVerificationClient client = sim.client(o -> o)) {
      long started = System.nanoTime();
      List<Future<CredentialVerifyResponse>> calls = new ArrayList<>();
      for (int i = 0; i < BURST; i++) {
        calls.add(call(client));
      }
      calls.addAll(paced(sim, client));
      await(Future.join(calls).otherwiseEmpty());
      double elapsedSeconds = (System.nanoTime() - started) / 1e9;

      List<ApiException> failures = new ArrayList<>();
      int answered = 0;
      for (Future<CredentialVerifyResponse> call : calls) {
        if (call.succeeded()) {
          answered++;
        } else {
          failures.add((ApiException) call.cause());
        }
      }
      assertThat(failures).hasSizeGreaterThanOrEqualTo(BURST - LIMIT).allSatisfy(e -> {
        assertThat(e.code()).isEqualTo("Throttling.User");
        assertThat(e.errorClass()).isEqualTo(ErrorClass.THROTTLED);
      });
      JsonObject stats = await(WebClient.create(sim.vertx).get(sim.port, "127.0.0.1", "/_sim/stats").send())
          .bodyAsJsonObject().getJsonObject("CredentialVerifyIntl");
      assertThat(stats.getInteger("calls")).isEqualTo(BURST + PACED);
      assertThat(stats.getInteger("accepted")).isEqualTo(answered)
          .isLessThanOrEqualTo((int) (LIMIT * Math.ceil(elapsedSeconds + 1)));
      assertThat(stats.getInteger("throttled")).isEqualTo(failures.size());
      assertThat(stats.getInteger("maxCallsInAnyOneSecondWindow")).isEqualTo(LIMIT);
      assertThat(sim.simulator.stats().get(Api.CREDENTIAL_VERIFY_INTL).maxCallsInAnyOneSecondWindow()).isEqualTo(LIMIT);
      long[] arrivals = sim.simulator.acceptedArrivals(Api.CREDENTIAL_VERIFY_INTL);
      assertThat(arrivals).as("one arrival per accepted call, in order").hasSize(answered).isSorted();
      assertThat(arrivals[0]).isGreaterThanOrEqualTo(started);
    }
  }

  private static Future<CredentialVerifyResponse> call(IdVerificationClient client) {
    return client.credentialVerify(new CredentialVerifyRequest("03", "0301", null,
        ImageSource.ofUrl(TestImages.url("plain"))));
  }

  /** {@link #PACED} calls, one every 1000 / (3 x LIMIT) ms, started from a Vert.x timer. */
  private static List<Future<CredentialVerifyResponse>> paced(SimulatorHarness sim, IdVerificationClient client) {
    List<Future<CredentialVerifyResponse>> calls = new ArrayList<>();
    Promise<Void> allStarted = Promise.promise();
    sim.vertx.setPeriodic(1000 / (3 * LIMIT), id -> {
      calls.add(call(client));
      if (calls.size() == PACED) {
        sim.vertx.cancelTimer(id);
        allStarted.complete();
      }
    });
    await(allStarted.future());
    return calls;
  }
}
