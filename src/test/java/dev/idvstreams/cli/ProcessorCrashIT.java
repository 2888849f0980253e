package dev.idvstreams.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idvstreams.api.Api;
import dev.idvstreams.avro.VerificationRequest;
import dev.idvstreams.demo.DemoBatch;
import dev.idvstreams.embedded.KafkaBootstrap;
import dev.idvstreams.embedded.KafkaExtension;
import dev.idvstreams.serde.ApicurioRegistry;
import dev.idvstreams.simulator.ApiStats;
import dev.idvstreams.simulator.SimulatorOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A crash: the processor, a separate JVM ({@code java -jar idv-streams.jar run}), killed with
 * SIGKILL mid-batch, then started again on a fresh state directory (as on another machine). The
 * registry is a real Apicurio, since the two JVMs and the test must share it.
 */
@ExtendWith(KafkaExtension.class)
class ProcessorCrashIT {

  private static final int IN_FLIGHT_BOUND = 8;
  /** One registry for the class: each test has topics, hence registry subjects, of its own. */
  private static ApicurioRegistry registry;

  @BeforeAll
  static void startRegistry() throws Exception {
    registry = ApicurioRegistry.shared();
  }

  @AfterAll
  static void stopRegistry() throws Exception {
    registry.close();
  }

  @Test
  void shouldLoseNothingAndPublishNothingTwiceAfterACrash(KafkaBootstrap kafka) throws Exception {
    int requests = 120;
    SimulatorOptions.Builder sim = SimulatorOptions.builder().latency(Duration.ofMillis(300), Duration.ZERO)
      .qps(Api.CREDENTIAL_VERIFY_INTL, 20);
    try (PipelineHarness it = new PipelineHarness(kafka, sim, registry.ccompatUrl(),
         Map.of("qps.credential-verify-intl", "20", "in-flight.max", String.valueOf(IN_FLIGHT_BOUND)), 1)) {
      List<VerificationRequest> batch = new ArrayList<>();
      for (int i = 0; i < requests; i++) {
        batch.add(DemoBatch.credential("crash-" + i, "clean"));
      }
      ProcessorProcess first = ProcessorProcess.start("first", it.config());
      it.sendRequests(batch);
      Awaitility.await().atMost(Duration.ofSeconds(120))
        .until(() -> it.simulator.stats().get(Api.CREDENTIAL_VERIFY_INTL).accepted() >= 40);
      first.kill(); // SIGKILL: no drain, no commit
      ApiStats.Snapshot atCrash = it.simulator.stats().get(Api.CREDENTIAL_VERIFY_INTL);
      assertThat(atCrash.accepted()).isLessThan(requests);

      // a fresh state.dir: the store comes back from its changelog, as on another machine
      try (ProcessorProcess second = ProcessorProcess.start("second", it.config())) {
        PipelineHarness.Events events = it.awaitEvents(requests, Duration.ofSeconds(180));
        events.assertEachEndedOnce(requests);

        ApiStats.Snapshot stats = it.simulator.stats().get(Api.CREDENTIAL_VERIFY_INTL);
        long verified = stats.accepted() - stats.repeated();
        // called again: the calls in flight at the crash (at most the bound), and those that
        // completed after the last commit, whose results the crash aborted with the
        // transaction: at 20 QPS, 2 per 100 ms commit interval; a quarter of a second (5)
        // allows for commits running late on a loaded machine
        long uncommittedCompletions = 5;
        assertThat(verified - requests).as("API calls made again after the crash")
          .isBetween(0L, IN_FLIGHT_BOUND + uncommittedCompletions);
      }
    }
  }

  /**
   * Under at_least_once the store entry that ends a call and its events are separate writes; two
   * SIGKILLs under load (the same state dir each time, as a restarted pod) must lose no event, and
   * a clean restart afterwards must find every event confirmed: nothing published again.
   */
  @Test
  void shouldLoseNoEventUnderAtLeastOnceAcrossCrashes(KafkaBootstrap kafka) throws Exception {
    int requests = 100;
    SimulatorOptions.Builder sim = SimulatorOptions.builder().latency(Duration.ofMillis(300), Duration.ZERO)
      .qps(Api.CREDENTIAL_VERIFY_INTL, 20);
    try (PipelineHarness it = new PipelineHarness(kafka, sim, registry.ccompatUrl(), Map.of("qps.credential-verify-intl", "20",
         "in-flight.max", String.valueOf(IN_FLIGHT_BOUND), "processing.guarantee", "at_least_once",
         "retry.max-attempts", "2", "retry.backoff.initial.ms", "50"), 3)) {
      Map<String, String> config = it.config(); // one state dir and one member for every start, as a restarted pod
      config.put("group.instance.id", "alo");
      List<VerificationRequest> batch = new ArrayList<>();
      Set<String> rejected = new HashSet<>();
      for (int i = 0; i < requests; i++) {
        // every fifth one fails twice (a transient error, two attempts): a PROVIDER dead letter, the
        // entry kept DEAD_LETTERED until a commit confirms it
        String marker = i % 5 == 0 ? "sim-error-InternalError" : "clean";
        batch.add(DemoBatch.credential("alo-" + i, marker));
        if (i % 5 == 0) {
          rejected.add("alo-" + i);
        }
      }
      Set<String> bizIds = batch.stream().map(VerificationRequest::getBizId).collect(Collectors.toSet());
      ProcessorProcess first = ProcessorProcess.start("alo-first", config);
      it.sendRequests(batch);
      awaitCalls(it, 30);
      first.kill();
      ProcessorProcess second = ProcessorProcess.start("alo-second", config);
      awaitCalls(it, 60);
      second.kill();

      try (ProcessorProcess third = ProcessorProcess.start("alo-third", config)) {
        it.awaitEventsFor(bizIds, Duration.ofSeconds(180));
        third.terminate(); // SIGTERM: drains and commits
        assertThat(third.awaitExit(Duration.ofSeconds(60))).as("the third instance stops on SIGTERM").isTrue();
      }
      // read once no instance runs: what the fourth start adds is all that differs below
      PipelineHarness.Events events = it.awaitEventsFor(bizIds, Duration.ofSeconds(30));
      for (String bizId : bizIds) {
        boolean expectDeadLetter = rejected.contains(bizId);
        assertThat(events.results().stream().anyMatch(r -> r.getBizId().equals(bizId) && !r.getReplayed()))
          .as("a result for %s", bizId).isEqualTo(!expectDeadLetter);
        assertThat(events.deadLetters().stream().anyMatch(d -> d.value().getBizId().equals(bizId)))
          .as("a dead letter for %s", bizId).isEqualTo(expectDeadLetter);
      }
      int publishedTwice = events.total() - requests;
      System.out.printf("[at-least-once] %d requests, 2 SIGKILLs: %d events, %d published more than once%n",
        requests, events.total(), publishedTwice);

      // a clean start on the same state: every event was confirmed by a commit, none is published again
      try (ProcessorProcess fourth = ProcessorProcess.start("alo-fourth", config)) {
        VerificationRequest after = DemoBatch.credential("alo-after", "clean");
        it.sendRequests(List.of(after));
        PipelineHarness.Events all = it.awaitEvents(events.total() + 1, Duration.ofSeconds(120));
        assertThat(all.total()).as("the fourth start published only the new request's result").isEqualTo(events.total() + 1);
        assertThat(fourth.log()).doesNotContain("ended call(s) again");
      }
    }
  }

  private static void awaitCalls(PipelineHarness it, long accepted) {
    Awaitility.await().atMost(Duration.ofSeconds(120))
      .until(() -> it.simulator.stats().get(Api.CREDENTIAL_VERIFY_INTL).accepted() >= accepted);
  }
}
