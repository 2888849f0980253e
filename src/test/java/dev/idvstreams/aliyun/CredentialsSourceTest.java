package dev.idvstreams.aliyun;

import static dev.idvstreams.simulator.SimulatorHarness.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.idvstreams.simulator.SimulatorHarness;
import dev.idvstreams.simulator.SimulatorOptions;
import org.junit.jupiter.api.Test;

/** The credentials-java default chain feeds the client (here from its system-property provider). */
class CredentialsSourceTest {

  @Test
  void shouldSignWithKeysFromTheDefaultChain() {
    System.setProperty("alibabacloud.accessKeyId", SimulatorOptions.DEFAULT_ACCESS_KEY_ID);
    System.setProperty("alibabacloud.accessKeySecret", SimulatorOptions.DEFAULT_ACCESS_KEY_SECRET);
    try (SimulatorHarness sim = new SimulatorHarness(SimulatorOptions.builder().build());
        IdVerificationClient client = sim.client(o -> o.credentials(CredentialsSource.defaultChain()))) {
      VerifyMaterialResponse response = await(client.verifyMaterial(VerifyMaterialRequest.of("biz-chain", "RPMinTest",
          "张三", "023432189011230017", TestImages.url("face"), null, null)));

      assertThat(response.verifyStatus()).isEqualTo(1);
    } finally {
      System.clearProperty("alibabacloud.accessKeyId");
      System.clearProperty("alibabacloud.accessKeySecret");
    }
  }

  @Test
  void shouldNeverShowTheSecretOfAnAccessKey() {
    assertThat(new AccessKey("id", "the-secret", "the-token").toString()).doesNotContain("the-secret", "the-token");
  }
}
