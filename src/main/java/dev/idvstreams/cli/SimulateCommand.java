package dev.idvstreams.cli;

import dev.idvstreams.api.Api;
import dev.idvstreams.aliyun.ErrorClass;
import dev.idvstreams.simulator.Simulator;
import dev.idvstreams.simulator.SimulatorOptions;
import dev.idvstreams.simulator.SimulatorWarmUp;
import io.vertx.core.Vertx;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code simulate}: the API simulator alone, on 127.0.0.1, until SIGTERM or Ctrl-C. */
@Command(name = "simulate", mixinStandardHelpOptions = true,
    description = "Run the local ID Verification API simulator (127.0.0.1) until stopped. See docs/simulator.md.")
public final class SimulateCommand implements Callable<Integer> {

  @Option(names = "--port", defaultValue = "8089", description = "Port on 127.0.0.1 (0: a free one). Default: ${DEFAULT-VALUE}.")
  int port;

  @Option(names = "--qps", paramLabel = "API=N",
      description = "QPS limit per API (CredentialVerifyIntl, VerifyMaterial, ExecuteRequest); repeatable. Defaults: 10, 10, 50.")
  Map<String, Integer> qps = new LinkedHashMap<>();

  @Option(names = "--latency-ms", defaultValue = "0", description = "Fixed latency of every answer, ms. Default: ${DEFAULT-VALUE}.")
  long latencyMs;

  @Option(names = "--api-latency-ms", paramLabel = "API=L",
      description = "Fixed latency of one API's answers, ms, instead of --latency-ms; repeatable.")
  Map<String, Long> apiLatencyMs = new LinkedHashMap<>();

  @Option(names = "--latency-jitter-ms", defaultValue = "0",
      description = "Uniformly random extra latency in [0, J] ms. Default: ${DEFAULT-VALUE}.")
  long latencyJitterMs;

  @Option(names = "--error-rate", paramLabel = "CLASS=R",
      description = "Share (0..1) of accepted calls answered with an error of a class: THROTTLED, TRANSIENT, REPEATED, INPUT_REJECTED, ACCOUNT; repeatable.")
  Map<ErrorClass, Double> errorRates = new LinkedHashMap<>();

  @Option(names = "--timeout-rate", defaultValue = "0", description = "Share (0..1) of accepted calls never answered. Default: ${DEFAULT-VALUE}.")
  double timeoutRate;

  @Option(names = "--repeat-window-ms", defaultValue = "2000",
      description = "A call repeated within this window earns Forbidden.ExceptionRepeatedInvoke. Default: ${DEFAULT-VALUE}.")
  long repeatWindowMs;

  @Option(names = "--access-key-id", defaultValue = SimulatorOptions.DEFAULT_ACCESS_KEY_ID,
      description = "Access key id whose signatures are accepted. Default: ${DEFAULT-VALUE}.")
  String accessKeyId;

  @Option(names = "--access-key-secret", defaultValue = SimulatorOptions.DEFAULT_ACCESS_KEY_SECRET,
      description = "Its secret (a demo value; never a real one). Default: the demo secret.", showDefaultValue = picocli.CommandLine.Help.Visibility.NEVER)
  String accessKeySecret;

  @Option(names = "--tls-key-store", paramLabel = "FILE",
      description = "Serve https with the key and certificate of this PKCS12 key store. Default: plain http.")
  java.nio.file.Path tlsKeyStore;

  @Option(names = "--tls-key-store-password", paramLabel = "PASSWORD", defaultValue = "${env:IDV_SIMULATOR_TLS_KEY_STORE_PASSWORD}",
      description = "The key store's password. Default: the IDV_SIMULATOR_TLS_KEY_STORE_PASSWORD environment variable.")
  String tlsKeyStorePassword;

  @Option(names = "--exit-when-stdin-closes",
      description = "Stop when standard input closes: a parent that starts the simulator and dies takes it along.")
  boolean exitWhenStdinCloses;

  @Option(names = "--warm-up-calls", defaultValue = "0",
      description = "Signed calls made to a throwaway simulator before this one listens, so its first real calls run "
          + "compiled, as a provider's do. Default: ${DEFAULT-VALUE}.")
  int warmUpCalls;

  @Override
  public Integer call() throws Exception {
    Vertx vertx = Vertx.vertx();
    if (warmUpCalls > 0) {
      SimulatorWarmUp.run(vertx, warmUpCalls).toCompletionStage().toCompletableFuture().get(120, TimeUnit.SECONDS);
    }
    Simulator simulator = new Simulator(vertx, options());
    int actualPort = simulator.start().toCompletionStage().toCompletableFuture().get(30, TimeUnit.SECONDS);
    System.out.println("simulator listening on " + (tlsKeyStore == null ? "http" : "https") + "://127.0.0.1:" + actualPort
        + " (stats: /_sim/stats)");

    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime().addShutdownHook(new Thread(() -> {
      try {
        // waited on here, not in a callback: callbacks would run on the event loops being closed
        simulator.stop().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
        vertx.close().toCompletionStage().toCompletableFuture().get(5, TimeUnit.SECONDS);
      } catch (Exception e) {
        System.err.println("simulator did not stop cleanly: " + e);
      } finally {
        stopped.countDown();
      }
    }, "simulator-shutdown"));
    if (exitWhenStdinCloses) {
      Thread watch = new Thread(SimulateCommand::exitWhenStdinCloses, "simulator-stdin-watch");
      watch.setDaemon(true);
      watch.start();
    }
    stopped.await();
    return 0;
  }

  private static void exitWhenStdinCloses() {
    try {
      while (System.in.read() >= 0) {
        // the parent writes nothing; a byte it does write changes nothing
      }
    } catch (java.io.IOException e) {
      // a broken stdin is a gone parent too
    }
    System.exit(0); // runs the shutdown hook above, which stops the server
  }

  /** The simulator settings these flags describe. */
  public SimulatorOptions options() {
    SimulatorOptions.Builder options = SimulatorOptions.builder()
        .port(port)
        .accessKey(accessKeyId, accessKeySecret)
        .repeatWindow(Duration.ofMillis(repeatWindowMs))
        .latency(Duration.ofMillis(latencyMs), Duration.ofMillis(latencyJitterMs))
        .timeouts(timeoutRate, Duration.ofSeconds(30));
    if (tlsKeyStore != null) {
      options.tls(tlsKeyStore, tlsKeyStorePassword == null ? "" : tlsKeyStorePassword);
    }
    qps.forEach((api, limit) -> options.qps(Api.parse(api), limit));
    apiLatencyMs.forEach((api, millis) -> options.latency(Api.parse(api), Duration.ofMillis(millis)));
    errorRates.forEach(options::errorRate);
    return options.build();
  }
}
