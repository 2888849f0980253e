package dev.idvstreams.simulator;

import dev.idvstreams.aliyun.ClientOptions;
import dev.idvstreams.aliyun.IdVerificationClient;
import dev.idvstreams.aliyun.ImageFetchOptions;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

/** A Vert.x instance with a running simulator on 127.0.0.1 and clients pointed at it, for tests. */
public final class SimulatorHarness implements AutoCloseable {

  public final Vertx vertx = Vertx.vertx();
  public final Simulator simulator;
  public final int port;
  private final String scheme;

  public SimulatorHarness(SimulatorOptions options) {
    this.simulator = new Simulator(vertx, options);
    this.port = await(simulator.start());
    this.scheme = options.tls().isPresent() ? "https" : "http";
  }

  public String endpoint() {
    return scheme + "://127.0.0.1:" + port;
  }

  /** A client with the simulator's key pair; {@code customize} may change anything else. */
  public IdVerificationClient client(UnaryOperator<ClientOptions.Builder> customize) {
    ClientOptions.Builder options = ClientOptions.builder()
        .endpointOverride(endpoint())
        .staticKeys(SimulatorOptions.DEFAULT_ACCESS_KEY_ID, SimulatorOptions.DEFAULT_ACCESS_KEY_SECRET)
        .requestTimeout(Duration.ofSeconds(5))
        .imageFetch(ImageFetchOptions.defaults().withAllowPrivateAddresses(true));
    return new IdVerificationClient(vertx, customize.apply(options).build());
  }

  public static <T> T await(Future<T> future) {
    try {
      return future.toCompletionStage().toCompletableFuture().get(20, TimeUnit.SECONDS);
    } catch (ExecutionException e) {
      throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public void close() {
    await(simulator.stop());
    await(vertx.close());
  }
}
