package dev.idvstreams.topology;

import static org.assertj.core.api.Assertions.assertThat;

import dev.idvstreams.api.Api;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;

class TakeTurnsTest {

  private final TakeTurns turns = new TakeTurns();
  private final List<String> started = new ArrayList<>();

  /** A task's line: its waiting requests, and how many more it may start before its own slots are full. */
  private final class Task implements TakeTurns.Line {
    final Deque<String> waiting = new ArrayDeque<>();
    int slots = 100;
    int calling;

    Task waiting(String... requests) {
      waiting.addAll(List.of(requests));
      return this;
    }

    @Override
    public boolean startNext(Api api) {
      if (waiting.isEmpty() || slots == 0) {
        return false;
      }
      slots--;
      calling++;
      started.add(waiting.poll());
      return true;
    }

    @Override
    public boolean waitsWithNoneStarted(Api api) {
      return !waiting.isEmpty() && calling == 0;
    }
  }

  /** Nothing beyond the bound: the tests of turns alone. */
  private static final BooleanSupplier NO_ROOM = () -> false;

  /** Capacity for this many more calls. */
  private static BooleanSupplier capacity(int calls) {
    int[] left = {calls};
    return () -> left[0]-- > 0;
  }

  @Test
  void shouldGiveEachTaskWithWorkATurn() {
    Task crowded = new Task().waiting("a1", "a2", "a3", "a4");
    Task moved = new Task().waiting("b1", "b2");
    turns.join(crowded);
    turns.join(moved);

    turns.serve(Api.VERIFY_MATERIAL, capacity(5), NO_ROOM);

    assertThat(started).containsExactly("a1", "b1", "a2", "b2", "a3");
  }

  @Test
  void shouldGoOnFromTheNextTaskAtTheNextFreeSlot() {
    Task a = new Task().waiting("a1", "a2");
    Task b = new Task().waiting("b1", "b2");
    turns.join(a);
    turns.join(b);

    turns.serve(Api.VERIFY_MATERIAL, capacity(1), NO_ROOM);
    turns.serve(Api.VERIFY_MATERIAL, capacity(1), NO_ROOM);
    turns.serve(Api.VERIFY_MATERIAL, capacity(1), NO_ROOM);

    assertThat(started).containsExactly("a1", "b1", "a2");
  }

  @Test
  void shouldKeepEachApisTurnsApart() {
    Task a = new Task().waiting("a1", "a2");
    Task b = new Task().waiting("b1");
    turns.join(a);
    turns.join(b);

    turns.serve(Api.VERIFY_MATERIAL, capacity(1), NO_ROOM);
    turns.serve(Api.CREDENTIAL_VERIFY_INTL, capacity(1), NO_ROOM);

    assertThat(started).as("another API's round starts at the first task").containsExactly("a1", "a2");
  }

  @Test
  void shouldPassOverATaskWithNothingToStartAndStopWhenNoneCan() {
    Task full = new Task().waiting("a1", "a2");
    full.slots = 0;
    Task idle = new Task();
    Task busy = new Task().waiting("c1");
    turns.join(full);
    turns.join(idle);
    turns.join(busy);
    int[] asked = {0};

    turns.serve(Api.VERIFY_MATERIAL, () -> ++asked[0] < 100, NO_ROOM);

    assertThat(started).containsExactly("c1");
    assertThat(asked[0]).as("no endless round once nothing can start").isLessThan(10);
  }

  @Test
  void shouldServeOnlyTheTasksOfTheCallingThread() throws Exception {
    turns.join(new Task().waiting("here"));
    Task elsewhere = new Task().waiting("elsewhere");
    CompletableFuture.runAsync(() -> turns.join(elsewhere)).get();

    turns.serve(Api.VERIFY_MATERIAL, capacity(5), NO_ROOM);

    assertThat(started).containsExactly("here");
  }

  @Test
  void shouldForgetATaskThatLeft() {
    Task a = new Task().waiting("a1");
    turns.join(a);
    turns.join(a);
    turns.leave(a);

    turns.serve(Api.VERIFY_MATERIAL, capacity(5), NO_ROOM);

    assertThat(started).isEmpty();
  }

  @Test
  void shouldStartOneRequestOfATaskWithNoneStartedWhenTheBoundIsTakenByAnothers() {
    // the cold start's bound went to the task whose records came first; then the bound fell
    Task first = new Task().waiting("a1", "a2", "a3", "a4", "a5");
    turns.join(first);
    turns.serve(Api.VERIFY_MATERIAL, capacity(4), NO_ROOM);
    Task late = new Task().waiting("b1", "b2");
    turns.join(late);

    turns.serve(Api.VERIFY_MATERIAL, capacity(0), capacity(10));
    turns.serve(Api.VERIFY_MATERIAL, capacity(0), capacity(10));

    assertThat(started).as("one for the task with none, none more for the one holding the slots, and one at a time")
        .containsExactly("a1", "a2", "a3", "a4", "b1");
  }

  @Test
  void shouldKeepToTheHardCapForATaskWithNoneStarted() {
    Task first = new Task().waiting("a1", "a2");
    Task late = new Task().waiting("b1");
    turns.join(first);
    turns.join(late);

    turns.serve(Api.VERIFY_MATERIAL, capacity(0), capacity(1));

    assertThat(started).containsExactly("a1");
  }
}
