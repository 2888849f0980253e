package dev.idvstreams.check;

import static dev.idvstreams.simulator.SimulatorHarness.await;
import static org.assertj.core.api.Assertions.assertThat;

import dev.idvstreams.aliyun.IdVerificationClient;
import dev.idvstreams.aliyun.TestImages;
import dev.idvstreams.api.Api;
import dev.idvstreams.async.CallLane;
import dev.idvstreams.async.CancelScope;
import dev.idvstreams.async.FailureKind;
import dev.idvstreams.avro.FaceCheck;
import dev.idvstreams.avro.Image;
import dev.idvstreams.avro.Outcome;
import dev.idvstreams.avro.VerificationRequest;
import dev.idvstreams.avro.VerificationResult;
import dev.idvstreams.image.HeaderOnlyJpeg;
import dev.idvstreams.simulator.SimulatorHarness;
import dev.idvstreams.simulator.SimulatorOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Face images given by URL, downloaded from a loopback server, against the simulator: what the API is billed for. */
class ApiCheckInvokerTest {

  private static final CallLane.Settings LANE = new CallLane.Settings(50, Duration.ofMillis(20), 8, 1.5, 3,
      Duration.ofMillis(10), Duration.ofMillis(100), Duration.ofSeconds(10), Duration.ofSeconds(1), Duration.ofSeconds(2));

  private static final Map<String, byte[]> IMAGES = Map.of(
      "/ok.jpg", TestImages.jpg(""),
      "/three-bytes.jpg", new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF},
      "/huge.jpg", HeaderOnlyJpeg.of(50000, 50000, ""),
      "/strip.jpg", HeaderOnlyJpeg.of(9000, 24, ""),
      "/empty.jpg", HeaderOnlyJpeg.of(0, 0, ""),
      "/photo.png", new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n', 0, 0, 0, 13});

  private SimulatorHarness sim;
  private IdVerificationClient client;
  private HttpServer images;
  private ApiCheckInvoker invoker;

  @BeforeEach
  void start() {
    sim = new SimulatorHarness(SimulatorOptions.builder().qps(Api.FACE_VERIFY, 1000).build());
    client = sim.client(o -> o);
    images = await(sim.vertx.createHttpServer()
        .requestHandler(req -> req.response().end(Buffer.buffer(IMAGES.get(req.path()))))
        .listen(0, "127.0.0.1"));
    invoker = new ApiCheckInvoker(sim.vertx, client, api -> LANE, Clock.systemUTC(), new CallListener() {
      @Override
      public void callEnded(Api api, FailureKind failure, Duration latency) {
      }

      @Override
      public void retryScheduled(Api api) {
      }
    });
    invoker.lane(Api.FACE_VERIFY).setQuota(50, Duration.ZERO);
  }

  @AfterEach
  void stop() {
    client.close();
    sim.close();
  }

  private VerificationRequest face(String bizId, String authPath) {
    String base = "http://127.0.0.1:" + images.actualPort();
    return VerificationRequest.newBuilder().setBizId(bizId).setRequestedAt(Instant.now())
        .setCheck(FaceCheck.newBuilder().setResourceCode("00840000")
            .setRefFace(Image.newBuilder().setUrl(base + "/ok.jpg").build())
            .setAuthFace(Image.newBuilder().setUrl(base + authPath).build()).build())
        .build();
  }

  private long faceCalls() {
    return sim.simulator.stats().get(Api.FACE_VERIFY).calls();
  }

  @ParameterizedTest
  @CsvSource({"/three-bytes.jpg, ImageUrl.Header", "/huge.jpg, ImageUrl.Dimensions", "/strip.jpg, ImageUrl.Dimensions",
      "/empty.jpg, ImageUrl.Dimensions", "/photo.png, ImageUrl.Format"})
  void shouldRejectADownloadedImageTheApiCannotTakeWithoutACall(String path, String code) {
    Settlement settled = await(invoker.invoke(face("f-bad", path), CancelScope.NEVER));

    assertThat(settled).isInstanceOf(Settlement.Answered.class);
    VerificationResult result = ((Settlement.Answered) settled).result();
    assertThat(result.getOutcome()).isEqualTo(Outcome.INPUT_REJECTED);
    assertThat(result.getReasonCode()).isEqualTo(code);
    assertThat(result.getAttempts()).isZero();
    assertThat(faceCalls()).isZero();
  }

  @Test
  void shouldCallTheApiWithDownloadedImagesThatPass() {
    Settlement settled = await(invoker.invoke(face("f-good", "/ok.jpg"), CancelScope.NEVER));

    assertThat(((Settlement.Answered) settled).result().getOutcome()).isEqualTo(Outcome.PASS);
    assertThat(settled.attempts()).isEqualTo(1);
    assertThat(faceCalls()).isEqualTo(1);
  }
}
