package dev.idvstreams.aliyun;

import static dev.idvstreams.simulator.SimulatorHarness.await;
import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxyUtil;
import ch.qos.logback.core.read.ListAppender;
import dev.idvstreams.simulator.SimulatorHarness;
import dev.idvstreams.simulator.SimulatorOptions;
import io.vertx.core.Future;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

/**
 * Captures every log line (all loggers, DEBUG and up) and every exception message and
 * {@code toString} of a client run over all three APIs, passes and failures, and finds neither the
 * secret nor the ID number nor the name in any of them.
 */
class NoPersonalDataInLogsTest {

  private static final String SECRET = "S3cret-" + UUID.randomUUID();
  private static final String ID_NUMBER = "110101199003077777";
  private static final String NAME = "王小明";

  @Test
  void shouldKeepSecretIdNumberAndNameOutOfLogsAndExceptions() {
    Logger root = (Logger) LoggerFactory.getLogger(org.slf4j.Logger.ROOT_LOGGER_NAME);
    Level before = root.getLevel();
    ListAppender<ILoggingEvent> captured = new ListAppender<>();
    captured.start();
    root.addAppender(captured);
    root.setLevel(Level.DEBUG);
    List<String> texts = new ArrayList<>();
    try (SimulatorHarness sim = new SimulatorHarness(SimulatorOptions.builder().accessKey("log-test-id", SECRET).build());
        IdVerificationClient client = sim.client(o -> o.staticKeys("log-test-id", SECRET));
        IdVerificationClient wrongSecret = sim.client(o -> o.staticKeys("log-test-id", SECRET + "x"))) {
      texts.add(client.toString());
      run(texts, client.verifyMaterial(material(TestImages.url("face"))));
      run(texts, client.verifyMaterial(material(TestImages.url("sim-error-InvalidParameter"))));
      run(texts, client.verifyMaterial(material(TestImages.url("sim-status-12"))));
      run(texts, wrongSecret.verifyMaterial(material(TestImages.url("face"))));
      run(texts, client.credentialVerify(new CredentialVerifyRequest("03", "0301", null,
          ImageSource.ofUrl(TestImages.url("sim-risk-PS")))));
      run(texts, client.faceVerify(new FaceVerifyRequest("00840000",
          TestImages.jpg(NAME), TestImages.jpg("sim-mismatch"))));
      run(texts, client.faceVerify(new FaceVerifyRequest("sim-error-500",
          TestImages.jpg(""), TestImages.jpg(""))));
      texts.add(material("x").toString());
      texts.add(AccessKey.of("log-test-id", SECRET).toString());
      texts.add(ClientOptions.builder().staticKeys("log-test-id", SECRET).build().toString());
    } finally {
      root.detachAppender(captured);
      root.setLevel(before);
    }
    for (ILoggingEvent event : captured.list) {
      texts.add(event.getFormattedMessage());
      if (event.getThrowableProxy() != null) {
        texts.add(ThrowableProxyUtil.asString(event.getThrowableProxy()));
      }
    }

    assertThat(captured.list).as("the run logged something to inspect").isNotEmpty();
    assertThat(texts).hasSizeGreaterThan(10).allSatisfy(text -> assertThat(text)
        .doesNotContain(SECRET)
        .doesNotContain(ID_NUMBER)
        .doesNotContain(NAME));
  }

  private static VerifyMaterialRequest material(String faceUrl) {
    return VerifyMaterialRequest.of("biz-" + UUID.randomUUID(), "RPMinTest", NAME, ID_NUMBER, faceUrl,
        "https://img.example.test/front.jpg", null);
  }

  /** Waits for the call and keeps what a caller would print of it: the result or the exception. */
  private static void run(List<String> texts, Future<?> call) {
    try {
      texts.add(String.valueOf(await(call)));
    } catch (RuntimeException e) {
      texts.add(e.toString());
      texts.add(String.valueOf(e.getMessage()));
    }
  }
}
