package dev.idvstreams.topology;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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

  private final ApiSlots slots = new ApiSlots(1);
  private final List<String> started = new ArrayList<>();

  private void startWaiting(Map<String, String> inFlight) {
    slots.startWaiting(inFlight::get, () -> true, (request, handle) -> started.add(request));
  }

  @Test
  void shouldLeaveARequestWaitingWhenNoSlotIsFree() {
    CompletionHandle<Settlement> first = slots.trySlot("a").orElseThrow();

    assertThat(slots.trySlot("b")).isEmpty();
    slots.await("b");

    assertThat(slots.tracks("a")).isTrue();
    assertThat(slots.tracks("b")).isTrue();
    assertThat(slots.waitingCount()).isEqualTo(1);
    first.complete(FAILED);
  }

  @Test
  void shouldNotWaitForARequestThatIsAlreadyCalling() {
    slots.trySlot("a").orElseThrow();

    slots.await("a");

    assertThat(slots.waitingCount()).isZero();
  }

  @Test
  void shouldRefuseASlotForARequestThatIsWaiting() {
    slots.trySlot("a").orElseThrow();
    slots.await("b");

    assertThatThrownBy(() -> slots.trySlot("b")).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void shouldStartWaitingRequestsOldestFirstAsSlotsFree() {
    CompletionHandle<Settlement> first = slots.trySlot("a").orElseThrow();
    slots.await("b");
    slots.await("c");

    startWaiting(Map.of("b", "request-b", "c", "request-c"));
    assertThat(started).isEmpty();

    first.complete(FAILED);
    slots.drainCompleted(completion -> { });
    startWaiting(Map.of("b", "request-b", "c", "request-c"));

    assertThat(started).containsExactly("request-b");
    assertThat(slots.tracks("a")).isFalse();
    assertThat(slots.waitingCount()).isEqualTo(1);
  }

  @Test
  void shouldDropWaitingRequestsNoLongerInFlight() {
    slots.await("gone");
    slots.await("b");

    startWaiting(Map.of("b", "request-b"));

    assertThat(started).containsExactly("request-b");
    assertThat(slots.tracks("gone")).isFalse();
    assertThat(slots.waitingCount()).isZero();
  }

  @Test
  void shouldKeepACompletedCallTrackedUntilItIsDrained() {
    CompletionHandle<Settlement> first = slots.trySlot("a").orElseThrow();
    first.complete(FAILED);

    assertThat(slots.tracks("a")).isTrue();
    List<String> drained = new ArrayList<>();
    slots.drainCompleted(completion -> drained.add(completion.key()));

    assertThat(drained).containsExactly("a");
    assertThat(slots.tracks("a")).isFalse();
  }
}
