package dev.idvstreams.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idvstreams.async.CompletionHandle;
import dev.idvstreams.check.Settlement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** One API's requests are calling or waiting, never both, never neither. */
class ApiSlotsTest {

  private static final Settlement FAILED = new Settlement.Failed("X", "x", null, 1, Duration.ZERO);
  private static final Map<String, String> IN_FLIGHT = Map.of("a", "request-a", "b", "request-b", "c", "request-c");

  private final ApiSlots slots = new ApiSlots(1);
  private final List<String> started = new ArrayList<>();
  private final List<CompletionHandle<Settlement>> handles = new ArrayList<>();

  private boolean startNext(Map<String, String> inFlight) {
    return slots.startNext(inFlight::get, (request, handle) -> {
      started.add(request);
      handles.add(handle);
    });
  }

  @Test
  void shouldLeaveARequestWaitingWhenNoSlotIsFree() {
    slots.await("a");
    slots.await("b");

    assertThat(startNext(IN_FLIGHT)).isTrue();
    assertThat(startNext(IN_FLIGHT)).as("the one slot is taken").isFalse();

    assertThat(started).containsExactly("request-a");
    assertThat(slots.tracks("a")).isTrue();
    assertThat(slots.isWaiting("a")).isFalse();
    assertThat(slots.isWaiting("b")).isTrue();
  }

  @Test
  void shouldNotWaitForARequestThatIsAlreadyCalling() {
    slots.await("a");
    startNext(IN_FLIGHT);

    slots.await("a");

    assertThat(slots.waitingCount()).isZero();
  }

  @Test
  void shouldKeepTheFirstPlaceOfARequestAlreadyWaiting() {
    slots.await("a");
    slots.await("b");
    slots.await("a");

    assertThat(slots.waitingCount()).isEqualTo(2);
    startNext(IN_FLIGHT);
    assertThat(started).containsExactly("request-a");
  }

  @Test
  void shouldStartWaitingRequestsOldestFirstAsSlotsFree() {
    slots.await("a");
    startNext(IN_FLIGHT);
    slots.await("b");
    slots.await("c");
    assertThat(startNext(IN_FLIGHT)).isFalse();

    handles.get(0).complete(FAILED);
    slots.drainCompleted(completion -> { });

    assertThat(startNext(IN_FLIGHT)).isTrue();
    assertThat(started).containsExactly("request-a", "request-b");
    assertThat(slots.tracks("a")).isFalse();
    assertThat(slots.waitingCount()).isEqualTo(1);
  }

  @Test
  void shouldDropWaitingRequestsNoLongerInFlightOnTheWay() {
    slots.await("gone");
    slots.await("b");

    assertThat(startNext(IN_FLIGHT)).isTrue();
    assertThat(started).containsExactly("request-b");
    assertThat(slots.tracks("gone")).isFalse();
    assertThat(startNext(IN_FLIGHT)).as("none waits").isFalse();
  }

  @Test
  void shouldKeepACompletedCallTrackedUntilItIsDrained() {
    slots.await("a");
    startNext(IN_FLIGHT);
    handles.get(0).complete(FAILED);

    assertThat(slots.tracks("a")).isTrue();
    List<String> drained = new ArrayList<>();
    slots.drainCompleted(completion -> drained.add(completion.key()));

    assertThat(drained).containsExactly("a");
    assertThat(slots.tracks("a")).isFalse();
  }
}
