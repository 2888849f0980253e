package dev.idvstreams.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idvstreams.api.Api;
import dev.idvstreams.avro.VerificationRequest;
import dev.idvstreams.control.ControlLog;
import dev.idvstreams.demo.DemoBatch;
import dev.idvstreams.embedded.KafkaBootstrap;
import dev.idvstreams.embedded.KafkaExtension;
import dev.idvstreams.serde.ApicurioRegistry;
import dev.idvstreams.simulator.SimulatorOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Control through Kafka, across processes: two instances of the jar in one group, the three APIs
 * busy. {@code control pause} stops one API's calls on both within 5 s while the others go on;
 * {@code control resume} starts them again; {@code control set-qps} brings the busiest second of
 * the group's calls down to the new limit within 5 s; a record written by Kafka's own console
 * producer takes effect, a malformed one changes nothing and stops nothing. Measured on the
 * simulator, which counts every call of both instances.
 */
@ExtendWith(KafkaExtension.class)
class ControlIT {

  private static final int LIMIT = 10;
  private static final int PER_API = 600;
  /** What the issue allows for a setting to hold group-wide. */
  private static final long TAKES_EFFECT_NANOS = TimeUnit.SECONDS.toNanos(5);

  @Test
  void shouldPauseResumeAndLimitAnApiGroupWideThroughTheControlTopic(KafkaBootstrap kafka, @org.junit.jupiter.api.io.TempDir Path dir)
      throws Exception {
    SimulatorOptions.Builder sim = SimulatorOptions.builder().latency(Duration.ofMillis(200), Duration.ZERO);
    Map<String, String> overrides = new HashMap<>();
    for (Api api : Api.values()) {
      sim.qps(api, LIMIT);
      overrides.put("qps." + api.id(), String.valueOf(LIMIT));
    }
    overrides.put("qps.arrival-guard.ms", "80"); // two JVMs beside the build on two cores (LimitFollowsWorkIT)
    try (ApicurioRegistry registry = ApicurioRegistry.shared();
        PipelineHarness it = new PipelineHarness(kafka, sim, registry.ccompatUrl(), overrides, 4)) {
      ControlCli control = new ControlCli(it.config(), dir);
      List<ProcessorProcess> instances = new ArrayList<>();
      try {
        for (String name : List.of("c1", "c2")) {
          Map<String, String> config = new HashMap<>(it.config());
          config.put("group.instance.id", name);
          instances.add(ProcessorProcess.start(name, config));
        }
        List<VerificationRequest> batch = new ArrayList<>();
        for (int i = 0; i < PER_API; i++) {
          batch.add(DemoBatch.credential("ctl-c-" + i, "clean"));
          batch.add(DemoBatch.material("ctl-m-" + i, "sim-status-1"));
          batch.add(DemoBatch.face("ctl-f-" + i, "ok"));
        }
        it.sendRequests(batch);
        Awaitility.await().atMost(Duration.ofSeconds(90)).until(() -> allCalling(it));

        // pause: within 5 s no VerifyMaterial call arrives, while the other two go on
        long paused = System.nanoTime();
        assertThat(control.run("pause", "--api", "VerifyMaterial")).contains("wrote paused.verify-material");
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> System.nanoTime() - paused > TAKES_EFFECT_NANOS);
        long material = accepted(it, Api.VERIFY_MATERIAL);
        long credential = accepted(it, Api.CREDENTIAL_VERIFY_INTL);
        long face = accepted(it, Api.FACE_VERIFY);
        long watchUntil = System.nanoTime() + TimeUnit.SECONDS.toNanos(4);
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> System.nanoTime() > watchUntil);
        assertThat(accepted(it, Api.VERIFY_MATERIAL)).as("VerifyMaterial calls 5-9 s after the pause").isEqualTo(material);
        assertThat(accepted(it, Api.CREDENTIAL_VERIFY_INTL)).as("CredentialVerifyIntl goes on").isGreaterThan(credential + 20);
        assertThat(accepted(it, Api.FACE_VERIFY)).as("ExecuteRequest goes on").isGreaterThan(face + 20);
        assertThat(control.run("show")).contains("VerifyMaterial         yes");

        // resume: calls start again
        assertThat(control.run("resume", "--api", "VerifyMaterial")).contains("wrote paused.verify-material");
        Awaitility.await().atMost(Duration.ofSeconds(5)).until(() -> accepted(it, Api.VERIFY_MATERIAL) > material + 5);

        // set-qps: from 5 s after it, no second holds more than the new limit of the group's calls
        long limited = System.nanoTime();
        assertThat(control.run("set-qps", "--api", "CredentialVerifyIntl", "4"))
            .contains("wrote qps.credential-verify-intl");
        long measureFrom = limited + TAKES_EFFECT_NANOS;
        long measureUntil = measureFrom + TimeUnit.SECONDS.toNanos(6);
        Awaitility.await().atMost(Duration.ofSeconds(30)).until(() -> System.nanoTime() > measureUntil);
        long[] window = arrivalsBetween(it, Api.CREDENTIAL_VERIFY_INTL, measureFrom, measureUntil);
        assertThat(window.length).as("calls go on at the lower limit").isGreaterThanOrEqualTo(12);
        assertThat(busiestSecond(window)).as("busiest second of CredentialVerifyIntl, 5-11 s after set-qps 4")
            .isLessThanOrEqualTo(4);
        assertThat(control.run("show")).contains("CredentialVerifyIntl   no       4 (control topic)");

        // Kafka's console producer: the documented record format works as it is
        String topic = ControlLog.topicName(it.config().get("application.id"));
        long faceBefore = accepted(it, Api.FACE_VERIFY);
        consoleProducer(kafka.bootstrapServers(), topic, "qps.face-verify|{\"value\": \"fast\"}\n"
            + "no-such-setting|{\"value\": 1}\n" + "paused.face-verify|{\"value\": true, \"by\": \"ops-oncall\"}\n");
        long consoled = System.nanoTime();
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> System.nanoTime() - consoled > TAKES_EFFECT_NANOS);
        long faceAfter = accepted(it, Api.FACE_VERIFY);
        assertThat(faceAfter).as("calls went on until the pause").isGreaterThan(faceBefore);
        long faceWatch = System.nanoTime() + TimeUnit.SECONDS.toNanos(3);
        Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> System.nanoTime() > faceWatch);
        assertThat(accepted(it, Api.FACE_VERIFY)).as("ExecuteRequest paused by a console-produced record").isEqualTo(faceAfter);
        for (ProcessorProcess instance : instances) {
          assertThat(instance.isAlive()).as("the malformed records stopped nothing").isTrue();
          assertThat(instance.log()).contains("Ignored the control record").contains("qps.face-verify")
              .contains("no-such-setting");
        }
      } finally {
        for (ProcessorProcess instance : instances) {
          instance.close();
        }
      }
    }
  }

  private static boolean allCalling(PipelineHarness it) {
    for (Api api : Api.values()) {
      if (accepted(it, api) < 10) {
        return false;
      }
    }
    return true;
  }

  private static long accepted(PipelineHarness it, Api api) {
    return it.simulator.stats().get(api).accepted();
  }

  private static long[] arrivalsBetween(PipelineHarness it, Api api, long fromNanos, long untilNanos) {
    return java.util.Arrays.stream(it.simulator.acceptedArrivals(api)).filter(t -> t >= fromNanos && t < untilNanos)
        .toArray();
  }

  /** The most arrivals in any 1-second window, of sorted arrival times. */
  private static int busiestSecond(long[] arrivals) {
    int max = 0;
    for (int i = 0, j = 0; i < arrivals.length; i++) {
      while (j < arrivals.length && arrivals[j] - arrivals[i] < 1_000_000_000L) {
        j++;
      }
      max = Math.max(max, j - i);
    }
    return max;
  }

  /** Kafka's own console producer, in a JVM of its own, with keys: {@code key|value} lines. */
  private static void consoleProducer(String bootstrap, String topic, String lines) throws Exception {
    Process process = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx256m",
        "-cp", System.getProperty("java.class.path"), "org.apache.kafka.tools.ConsoleProducer", "--bootstrap-server",
        bootstrap, "--topic", topic, "--property", "parse.key=true", "--property", "key.separator=|")
        .redirectErrorStream(true).start();
    process.getOutputStream().write(lines.getBytes(StandardCharsets.UTF_8));
    process.getOutputStream().close();
    String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(process.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(process.exitValue()).as(output).isZero();
  }
}
