package dev.idvstreams.simulator;

import dev.idvstreams.aliyun.ClientOptions;
import dev.idvstreams.aliyun.CredentialVerifyRequest;
import dev.idvstreams.aliyun.FaceVerifyRequest;
import dev.idvstreams.aliyun.IdVerificationClient;
import dev.idvstreams.aliyun.ImageSource;
import dev.idvstreams.aliyun.VerifyMaterialRequest;
import dev.idvstreams.api.Api;
import dev.idvstreams.image.HeaderOnlyJpeg;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Warms a new JVM's request path before its simulator listens: signed calls of the three APIs
 * against a throwaway simulator (no limit, no latency, its own port), so that the JIT has compiled
 * the parsing, the signature check and the answers by the time real calls come.
 *
 * <p>Why: a provider has been up for days. A simulator JVM started beside a busy one runs its
 * first calls interpreted, late by up to 1.5 s on 2 cores; calls that left a second apart then
 * arrive bunched, and it throttles them though the caller kept the limit. The throwaway instance
 * keeps the warm-up out of the real simulator's counters.
 */
public final class SimulatorWarmUp {

  private static final int CONCURRENCY = 16;
  private static final int UNLIMITED_QPS = 1_000_000;

  private SimulatorWarmUp() {}

  /** Makes {@code calls} signed calls, the APIs in turn, {@value #CONCURRENCY} at a time; completes when all are answered. */
  public static Future<Void> run(Vertx vertx, int calls) {
    SimulatorOptions.Builder options = SimulatorOptions.builder().port(0).repeatWindow(Duration.ZERO);
    for (Api api : Api.values()) {
      options.qps(api, UNLIMITED_QPS);
    }
    Simulator simulator = new Simulator(vertx, options.build());
    return simulator.start().compose(port -> {
      IdVerificationClient client = new IdVerificationClient(vertx, ClientOptions.builder()
          .endpointOverride("http://127.0.0.1:" + port)
          .staticKeys(SimulatorOptions.DEFAULT_ACCESS_KEY_ID, SimulatorOptions.DEFAULT_ACCESS_KEY_SECRET)
          .build());
      AtomicInteger next = new AtomicInteger();
      Promise<Void> done = Promise.promise();
      AtomicInteger running = new AtomicInteger(CONCURRENCY);
      for (int i = 0; i < CONCURRENCY; i++) {
        chain(client, next, calls, () -> {
          if (running.decrementAndGet() == 0) {
            done.complete();
          }
        });
      }
      return done.future().eventually(() -> {
        client.close();
        return simulator.stop();
      });
    });
  }

  /** One of the {@value #CONCURRENCY} chains: a call, then the next, until {@code calls} were made. */
  private static void chain(IdVerificationClient client, AtomicInteger next, int calls, Runnable finished) {
    int n = next.getAndIncrement();
    if (n >= calls) {
      finished.run();
      return;
    }
    call(client, n).onComplete(answered -> chain(client, next, calls, finished));
  }

  private static Future<?> call(IdVerificationClient client, int n) {
    byte[] image = HeaderOnlyJpeg.of(640, 480, " warm-up " + n + " ");
    return switch (Api.values()[n % Api.values().length]) {
      case CREDENTIAL_VERIFY_INTL -> client.credentialVerify(new CredentialVerifyRequest("03", "0301", null,
          ImageSource.ofBytes(image)));
      case VERIFY_MATERIAL -> client.verifyMaterial(VerifyMaterialRequest.of("warm-up-" + n, "warm-up", "Warm Up",
          "0000000000000000" + n, "https://img.example.test/warm-up/" + n + ".jpg", null, null));
      case FACE_VERIFY -> client.faceVerify(new FaceVerifyRequest("00840000", image, image));
    };
  }
}
