package dev.idvstreams.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idvstreams.api.Api;
import dev.idvstreams.avro.VerificationRequest;
import dev.idvstreams.demo.DemoBatch;
import dev.idvstreams.embedded.KafkaBootstrap;
import dev.idvstreams.embedded.KafkaExtension;
import dev.idvstreams.simulator.SimulatorOptions;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * The daily call budget (the cost guard): with a budget of 20 calls, the 21st request is held, as
 * for an account error, never dead-lettered, until {@code control set-budget} raises the budget;
 * then it completes. The real processor, the broker, the simulator over HTTP, which counts the calls.
 */
@ExtendWith(KafkaExtension.class)
class BudgetIT {

  private static final int BUDGET = 20;
  private static final int REQUESTS = 25;

  @Test
  void shouldHoldRequestsPastTheDailyBudgetUntilItIsRaised(KafkaBootstrap kafka, @TempDir Path dir) throws Exception {
    SimulatorOptions.Builder sim = SimulatorOptions.builder().qps(Api.CREDENTIAL_VERIFY_INTL, 50);
    try (PipelineHarness it = new PipelineHarness(kafka, sim, null, Map.of("qps.credential-verify-intl", "50",
        "budget.daily.credential-verify-intl", String.valueOf(BUDGET)))) {
      it.startProcessor();
      List<VerificationRequest> batch = new ArrayList<>();
      for (int i = 0; i < REQUESTS; i++) {
        batch.add(DemoBatch.credential("budget-" + i, "clean"));
      }
      it.sendRequests(batch);

      PipelineHarness.Events spent = it.awaitEvents(BUDGET, Duration.ofSeconds(60));
      long heldSince = System.nanoTime();
      Awaitility.await().atMost(Duration.ofSeconds(20))
          .until(() -> System.nanoTime() - heldSince > TimeUnit.SECONDS.toNanos(3));
      assertThat(spent.total()).isEqualTo(BUDGET);
      assertThat(it.simulator.stats().get(Api.CREDENTIAL_VERIFY_INTL).calls()).as("calls made: the budget")
          .isEqualTo(BUDGET);
      assertThat(spent.deadLetters()).as("held, never dead-lettered").isEmpty();

      ControlCli control = new ControlCli(it.config(), dir);
      assertThat(control.run("show")).contains(BUDGET + " (configuration)");
      assertThat(control.run("set-budget", "--api", "CredentialVerifyIntl", String.valueOf(REQUESTS)))
          .contains("wrote budget.daily.credential-verify-intl");

      PipelineHarness.Events all = it.awaitEvents(REQUESTS, Duration.ofSeconds(60));
      all.assertEachEndedOnce(REQUESTS);
      assertThat(it.simulator.stats().get(Api.CREDENTIAL_VERIFY_INTL).calls()).isEqualTo(REQUESTS);
    }
  }
}
