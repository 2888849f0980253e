package dev.idvstreams.simulator;

import static dev.idvstreams.simulator.SimulatorHarness.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.idvstreams.api.Api;
import dev.idvstreams.aliyun.CredentialVerifyRequest;
import dev.idvstreams.aliyun.IdVerificationClient;
import dev.idvstreams.aliyun.ImageSource;
import dev.idvstreams.aliyun.TestImages;
import dev.idvstreams.aliyun.VerifyMaterialRequest;
import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.client.WebClient;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * {@code maxConcurrentCallsPerKey}: the most calls for one business key in flight at once, from
 * receipt to the answer sent (the latency included), whatever the answer.
 */
class SimulatorConcurrencyTest {

  private static final Duration LATENCY = Duration.ofMillis(200);

  @Test
  void shouldCountConcurrentCallsForOneBizId() {
    try (SimulatorHarness sim = new SimulatorHarness(SimulatorOptions.builder().latency(LATENCY, Duration.ZERO).build());
        IdVerificationClient client = sim.client(o -> o)) {
      VerifyMaterialRequest request = material("biz-" + UUID.randomUUID());

      settle(Future.join(client.verifyMaterial(request), client.verifyMaterial(request)));

      ApiStats.Snapshot stats = sim.simulator.stats().get(Api.VERIFY_MATERIAL);
      assertThat(stats.calls()).isEqualTo(2);
      assertThat(stats.repeated()).as("the second one is a repeat").isEqualTo(1);
      assertThat(stats.maxConcurrentCallsPerKey()).isEqualTo(2);
      JsonObject json = await(WebClient.create(sim.vertx).get(sim.port, "127.0.0.1", "/_sim/stats").send())
          .bodyAsJsonObject();
      assertThat(json.getJsonObject("VerifyMaterial").getInteger("maxConcurrentCallsPerKey")).isEqualTo(2);
      assertThat(json.getJsonObject("CredentialVerifyIntl").getInteger("maxConcurrentCallsPerKey")).isZero();
      assertThat(json.getJsonObject("ExecuteRequest").getInteger("maxConcurrentCallsPerKey")).isZero();
    }
  }

  @Test
  void shouldCountThrottledCallsAsInFlight() {
    try (SimulatorHarness sim = new SimulatorHarness(SimulatorOptions.builder().latency(LATENCY, Duration.ZERO)
        .qps(Api.VERIFY_MATERIAL, 1).build());
        IdVerificationClient client = sim.client(o -> o)) {
      VerifyMaterialRequest request = material("biz-" + UUID.randomUUID());

      settle(Future.join(client.verifyMaterial(request), client.verifyMaterial(request)));

      ApiStats.Snapshot stats = sim.simulator.stats().get(Api.VERIFY_MATERIAL);
      assertThat(stats.throttled()).isEqualTo(1);
      assertThat(stats.maxConcurrentCallsPerKey()).isEqualTo(2);
    }
  }

  @Test
  void shouldNotCountSequentialCallsForOneBizIdAsConcurrent() {
    try (SimulatorHarness sim = new SimulatorHarness(SimulatorOptions.builder().latency(LATENCY, Duration.ZERO).build());
        IdVerificationClient client = sim.client(o -> o)) {
      VerifyMaterialRequest request = material("biz-" + UUID.randomUUID());

      settle(client.verifyMaterial(request));
      settle(client.verifyMaterial(request));

      ApiStats.Snapshot stats = sim.simulator.stats().get(Api.VERIFY_MATERIAL);
      assertThat(stats.calls()).isEqualTo(2);
      assertThat(stats.maxConcurrentCallsPerKey()).isEqualTo(1);
    }
  }

  @Test
  void shouldNotCountConcurrentCallsForDifferentBizIdsAsConcurrent() {
    try (SimulatorHarness sim = new SimulatorHarness(SimulatorOptions.builder().latency(LATENCY, Duration.ZERO).build());
        IdVerificationClient client = sim.client(o -> o)) {
      Future<?> all = Future.join(client.verifyMaterial(material("biz-" + UUID.randomUUID())),
          client.verifyMaterial(material("biz-" + UUID.randomUUID())),
          client.verifyMaterial(material("biz-" + UUID.randomUUID())));

      settle(all);

      ApiStats.Snapshot stats = sim.simulator.stats().get(Api.VERIFY_MATERIAL);
      assertThat(stats.calls()).isEqualTo(3);
      assertThat(stats.repeated()).isZero();
      assertThat(stats.maxConcurrentCallsPerKey()).isEqualTo(1);
    }
  }

  @Test
  void shouldKeyCallsWithoutBizIdAsTheRepeatCheckDoes() {
    try (SimulatorHarness sim = new SimulatorHarness(SimulatorOptions.builder().latency(LATENCY, Duration.ZERO).build());
        IdVerificationClient client = sim.client(o -> o)) {
      CredentialVerifyRequest same = credential(TestImages.url("plain"));

      settle(Future.join(client.credentialVerify(same), client.credentialVerify(same)));
      ApiStats.Snapshot stats = sim.simulator.stats().get(Api.CREDENTIAL_VERIFY_INTL);
      assertThat(stats.repeated()).isEqualTo(1);
      assertThat(stats.maxConcurrentCallsPerKey()).isEqualTo(2);
    }
    try (SimulatorHarness sim = new SimulatorHarness(SimulatorOptions.builder().latency(LATENCY, Duration.ZERO).build());
        IdVerificationClient client = sim.client(o -> o)) {
      settle(Future.join(client.credentialVerify(credential(TestImages.url("plain"))),
          client.credentialVerify(credential(TestImages.url("plain")))));
      ApiStats.Snapshot stats = sim.simulator.stats().get(Api.CREDENTIAL_VERIFY_INTL);
      assertThat(stats.repeated()).isZero();
      assertThat(stats.maxConcurrentCallsPerKey()).isEqualTo(1);
    }
  }

  /** Waits until the future is done, succeeded or failed (a repeat or a throttling is an answer too). */
  private static void settle(Future<?> future) {
    await(future.map(v -> (Object) null).otherwiseEmpty());
  }

  private static VerifyMaterialRequest material(String bizId) {
    return VerifyMaterialRequest.of(bizId, "RPMinTest", "张三", "023432189011230017", TestImages.url("face"), null, null);
  }

  private static CredentialVerifyRequest credential(String url) {
    return new CredentialVerifyRequest("03", "0301", null, ImageSource.ofUrl(url));
  }
}
