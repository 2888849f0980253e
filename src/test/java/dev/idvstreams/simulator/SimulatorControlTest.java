package dev.idvstreams.simulator;

import static dev.idvstreams.simulator.SimulatorHarness.await;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

import dev.idvstreams.api.Api;
import dev.idvstreams.aliyun.ApiException;
import dev.idvstreams.aliyun.ErrorClass;
import dev.idvstreams.aliyun.FaceVerifyRequest;
import dev.idvstreams.aliyun.IdVerificationClient;
import dev.idvstreams.aliyun.TestImages;
import dev.idvstreams.aliyun.VerifyMaterialRequest;
import io.vertx.core.Future;
import io.vertx.core.buffer.Buffer;
import io.vertx.ext.web.client.HttpResponse;
import io.vertx.ext.web.client.WebClient;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** The simulator's settings: account state over HTTP, latency, fault injection, the repeat window. */
class SimulatorControlTest {

  @Test
  void shouldSwitchAccountStateOverHttpWhileRunning() {
    try (SimulatorHarness sim = new SimulatorHarness(SimulatorOptions.builder().build());
        IdVerificationClient client = sim.client(o -> o)) {
      WebClient http = WebClient.create(sim.vertx);

      assertThat(await(http.post(sim.port, "127.0.0.1", "/_sim/account?api=ExecuteRequest&state=InDebt").send())
          .statusCode()).isEqualTo(200);
      ApiException e = catchThrowableOfType(ApiException.class, () -> await(client.faceVerify(face())));
      assertThat(e.code()).isEqualTo("403");
      assertThat(e.errorClass()).isEqualTo(ErrorClass.ACCOUNT);

      assertThat(await(http.post(sim.port, "127.0.0.1", "/_sim/account?api=ExecuteRequest&state=OK").send())
          .statusCode()).isEqualTo(200);
      assertThat(await(client.faceVerify(face())).data().passed()).isTrue();
      assertThat(await(http.post(sim.port, "127.0.0.1", "/_sim/account?api=Nope&state=OK").send())
          .statusCode()).isEqualTo(400);
    }
  }

  @Test
  void shouldDelayAnswersByConfiguredLatency() {
    try (SimulatorHarness sim = new SimulatorHarness(SimulatorOptions.builder()
        .latency(Duration.ofMillis(300), Duration.ofMillis(100)).build());
        IdVerificationClient client = sim.client(o -> o)) {
      long started = System.nanoTime();

      await(client.verifyMaterial(material("face")));

      assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
    }
  }

  @Test
  void shouldInjectErrorsOfTheConfiguredClasses() {
    SimulatorOptions.Builder options = SimulatorOptions.builder()
        .errorRate(ErrorClass.THROTTLED, 0.5).errorRate(ErrorClass.ACCOUNT, 0.5).qps(Api.VERIFY_MATERIAL, 1000);
    try (SimulatorHarness sim = new SimulatorHarness(options.build());
        IdVerificationClient client = sim.client(o -> o)) {
      Set<ErrorClass> seen = EnumSet.noneOf(ErrorClass.class);
      for (int i = 0; i < 40; i++) {
        seen.add(catchThrowableOfType(ApiException.class, () -> await(client.verifyMaterial(material("face")))).errorClass());
      }

      assertThat(seen).containsExactlyInAnyOrder(ErrorClass.THROTTLED, ErrorClass.ACCOUNT);
    }
  }

  @Test
  void shouldForgetRepeatedCallAfterTheWindow() {
    try (SimulatorHarness sim = new SimulatorHarness(SimulatorOptions.builder()
        .repeatWindow(Duration.ofSeconds(2)).build());
        IdVerificationClient client = sim.client(o -> o)) {
      VerifyMaterialRequest request = material("face");
      await(client.verifyMaterial(request));

      assertThat(catchThrowableOfType(ApiException.class, () -> await(client.verifyMaterial(request))).errorClass())
          .isEqualTo(ErrorClass.REPEATED);
      await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200))
          .until(() -> await(client.verifyMaterial(request).map(true).otherwise(false)));
      assertThat(sim.simulator.stats().get(Api.VERIFY_MATERIAL).repeated()).isGreaterThanOrEqualTo(1);
    }
  }

  @Test
  void shouldAnswerUnknownActionLikeTheGateway() {
    try (SimulatorHarness sim = new SimulatorHarness(SimulatorOptions.builder().build())) {
      Future<HttpResponse<Buffer>> call = WebClient.create(sim.vertx).post(sim.port, "127.0.0.1", "/?Action=DescribeNothing").send();

      HttpResponse<Buffer> response = await(call);

      assertThat(response.statusCode()).isEqualTo(404);
      assertThat(response.bodyAsJsonObject().getString("Code")).isEqualTo("InvalidAction.NotFound");
    }
  }

  private static VerifyMaterialRequest material(String marker) {
    return VerifyMaterialRequest.of("biz-" + UUID.randomUUID(), "RPMinTest", "张三", "023432189011230017",
        TestImages.url(marker), null, null);
  }

  private static FaceVerifyRequest face() {
    return new FaceVerifyRequest("00840000", TestImages.jpg(""), TestImages.jpg(""));
  }
}
