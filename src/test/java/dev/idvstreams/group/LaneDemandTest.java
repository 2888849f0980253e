package dev.idvstreams.group;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idvstreams.api.Api;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class LaneDemandTest {

  private static final Api API = Api.CREDENTIAL_VERIFY_INTL;

  private long nanos;
  private long waiting;
  private long arrived;
  private long awaitingPermit;
  private long notSent;
  private long granted;
  private boolean held;

  private final LaneDemand demand = new LaneDemand(api -> new LaneDemand.LaneCounts(held, awaitingPermit, notSent, granted),
      api -> api == API ? waiting : 0, api -> api == API ? arrived : 0, () -> nanos);

  private long sample(long afterMillis) {
    nanos += TimeUnit.MILLISECONDS.toNanos(afterMillis);
    return demand.get().get(API);
  }

  /** {@code requests} that arrived and wait, sampled until their arrival is more than a second old. */
  private void staleBacklogOf(long requests) {
    arrived += requests;
    waiting += requests;
    sample(0);
    sample(1_100);
  }

  /** {@code calls} waiting requests called, one every {@code everyMillis}, sampled after each. */
  private void callFromBacklog(int calls, long everyMillis) {
    for (int k = 0; k < calls; k++) {
      waiting--;
      granted++;
      sample(everyMillis);
    }
  }

  @Test
  void countsWaitingRequestsAndAttemptsWaitingForAToken() {
    sample(0);
    waiting = 7;
    awaitingPermit = 2;
    assertThat(sample(100)).isEqualTo(9);
  }

  @Test
  void arrivalsServedAtOnceKeepTheirRateAsDemand() {
    sample(0);
    // 3 requests a second arrive and are called at once: nothing ever waits between samples
    for (int second = 0; second < 3; second++) {
      for (int k = 0; k < 3; k++) {
        arrived++;
        granted++;
        sample(300);
      }
    }
    assertThat(sample(50)).isEqualTo(3);
  }

  @Test
  void aBacklogThatNoLongerGrowsKeepsItsRateUntilItsLastRequestHasItsTokenThenHasNoDemand() {
    staleBacklogOf(40);
    callFromBacklog(5, 150);
    // a backlog is left: the 5 calls of the last second count with it, so the part does not fall
    assertThat(sample(10)).isEqualTo(35 + 5);
    waiting = 1;
    assertThat(sample(10)).isEqualTo(1 + 5);
    waiting = 0;
    granted++;
    assertThat(sample(10)).as("the last request has its token, nothing arrived lately").isZero();
  }

  @Test
  void aRequestBetweenItsSlotAndItsPermitKeepsTheRecentCallsCounted() {
    staleBacklogOf(10);
    callFromBacklog(3, 150);
    waiting = 0;
    // the last request has its slot and waits for its token: counted twice as work left
    awaitingPermit = 1;
    notSent = 1;
    assertThat(sample(10)).isEqualTo(1 + 3);
    // then it is being signed again, or in backoff: not in the backlog, but it will take a permit
    awaitingPermit = 0;
    assertThat(sample(10)).isEqualTo(3);
    notSent = 0;
    assertThat(sample(10)).isZero();
  }

  @Test
  void withoutABacklogOnlyTheCallsOfTheLastSecondsArrivalsCount() {
    staleBacklogOf(30);
    arrived += 2;
    waiting += 2;
    callFromBacklog(32, 30);
    // 32 calls in the last second, 2 arrivals, nothing left waiting
    assertThat(sample(10)).isEqualTo(2);
  }

  @Test
  void aHeldLaneHasNoDemand() {
    waiting = 12;
    held = true;
    Map<Api, Long> loads = new EnumMap<>(demand.get());
    assertThat(loads.get(API)).isZero();
  }
}
