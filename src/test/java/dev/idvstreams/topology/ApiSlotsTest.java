package dev.idvstreams.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idvstreams.api.Api;
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

  private final Backlog backlog = new Backlog(3, 1_000);
  private final ApiSlots slots = new ApiSlots(Api.FACE_VERIFY, 1, backlog);
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
    slots.await("a", 1);
    slots.await("b", 1);

    assertThat(startNext(IN_FLIGHT)).isTrue();
    assertThat(startNext(IN_FLIGHT)).as("the one slot is taken").isFalse();

    assertThat(started).containsExactly("request-a");
    assertThat(slots.tracks("a")).isTrue();
    assertThat(slots.isWaiting("a")).isFalse();
    assertThat(slots.isWaiting("b")).isTrue();
  }

  @Test
  void shouldNotWaitForARequestThatIsAlreadyCalling() {
    slots.await("a", 1);
    startNext(IN_FLIGHT);

    slots.await("a", 1);

    assertThat(slots.waitingCount()).isZero();
  }

  @Test
  void shouldKeepTheFirstPlaceOfARequestAlreadyWaiting() {
    slots.await("a", 1);
    slots.await("b", 1);
    slots.await("a", 1);

    assertThat(slots.waitingCount()).isEqualTo(2);
    startNext(IN_FLIGHT);
    assertThat(started).containsExactly("request-a");
  }

  @Test
  void shouldStartWaitingRequestsOldestFirstAsSlotsFree() {
    slots.await("a", 1);
    startNext(IN_FLIGHT);
    slots.await("b", 1);
    slots.await("c", 1);
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
    slots.await("gone", 1);
    slots.await("b", 1);

    assertThat(startNext(IN_FLIGHT)).isTrue();
    assertThat(started).containsExactly("request-b");
    assertThat(slots.tracks("gone")).isFalse();
    assertThat(startNext(IN_FLIGHT)).as("none waits").isFalse();
  }

  @Test
  void shouldKeepACompletedCallTrackedUntilItIsDrained() {
    slots.await("a", 1);
    startNext(IN_FLIGHT);
    handles.get(0).complete(FAILED);

    assertThat(slots.tracks("a")).isTrue();
    List<String> drained = new ArrayList<>();
    slots.drainCompleted(completion -> drained.add(completion.key()));

    assertThat(drained).containsExactly("a");
    assertThat(slots.tracks("a")).isFalse();
  }

  @Test
  void shouldCountOnlyWaitingRequestsInTheInstancesBacklog() {
    slots.await("a", 100);
    slots.await("b", 200);
    slots.await("a", 100); // already waiting: counted once
    assertThat(backlog.requests()).isEqualTo(2);
    assertThat(backlog.requests(Api.FACE_VERIFY)).as("counted under the slots' API").isEqualTo(2);
    assertThat(backlog.requests(Api.VERIFY_MATERIAL)).isZero();
    assertThat(backlog.bytes()).isEqualTo(300);

    startNext(IN_FLIGHT); // a calls: no longer waiting
    assertThat(backlog.requests()).isEqualTo(1);
    assertThat(backlog.bytes()).isEqualTo(200);

    slots.await("c", 900);
    assertThat(backlog.isFull()).as("1,100 bytes of 1,000").isTrue();

    slots.release(); // the task closes: its waiting requests are the next owner's
    assertThat(backlog.requests()).isZero();
    assertThat(backlog.bytes()).isZero();
    assertThat(backlog.isFull()).isFalse();
  }

  @Test
  void shouldTakeARequestNoLongerInFlightOutOfTheBacklog() {
    slots.await("gone", 50);
    assertThat(startNext(Map.of())).isFalse();
    assertThat(backlog.requests()).isZero();
    assertThat(backlog.bytes()).isZero();
  }
}
