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

class OldestFirstTest {

  private final OldestFirst order = new OldestFirst();
  private final List<String> started = new ArrayList<>();

  /** A task's line: tickets waiting in order, and how many more it may start before its own slots are full. */
  private final class Task implements OldestFirst.Line {
    final String name;
    final Deque<Long> waiting = new ArrayDeque<>();
    int slots;

    Task(String name, int slots) {
      this.name = name;
      this.slots = slots;
    }

    Task waits() {
      waiting.add(order.nextTicket());
      return this;
    }

    @Override
    public long headTicket(Api api) {
      return waiting.isEmpty() ? Long.MAX_VALUE : waiting.peek();
    }

    @Override
    public boolean startHead(Api api) {
      if (waiting.isEmpty() || slots == 0) {
        return false;
      }
      slots--;
      started.add(name + waiting.poll());
      return true;
    }
  }

  /** Capacity for this many more calls. */
  private static BooleanSupplier capacity(int calls) {
    int[] left = {calls};
    return () -> left[0]-- > 0;
  }

  @Test
  void shouldStartTheOldestRequestOfAnyTaskFirst() {
    Task a = new Task("a", 10);
    Task b = new Task("b", 10);
    order.join(a);
    order.join(b);
    b.waits().waits(); // tickets 1, 2: stored while a rebalance held calls
    a.waits().waits(); // tickets 3, 4: newer records of another partition

    order.serve(Api.VERIFY_MATERIAL, capacity(3));

    assertThat(started).containsExactly("b1", "b2", "a3");
  }

  @Test
  void shouldPassOverATaskWhoseSlotsAreFull() {
    Task a = new Task("a", 0);
    Task b = new Task("b", 10);
    order.join(a);
    order.join(b);
    a.waits();
    b.waits();

    order.serve(Api.VERIFY_MATERIAL, capacity(5));

    assertThat(started).containsExactly("b2");
  }

  @Test
  void shouldServeOnlyTheTasksOfTheCallingThread() throws Exception {
    Task here = new Task("here", 10);
    order.join(here);
    here.waits();
    Task elsewhere = new Task("elsewhere", 10);
    CompletableFuture.runAsync(() -> {
      order.join(elsewhere);
      elsewhere.waits();
    }).get();

    order.serve(Api.VERIFY_MATERIAL, capacity(5));

    assertThat(started).containsExactly("here1");
  }

  @Test
  void shouldForgetATaskThatLeft() {
    Task a = new Task("a", 10);
    order.join(a);
    order.join(a);
    a.waits();
    order.leave(a);

    order.serve(Api.VERIFY_MATERIAL, capacity(5));

    assertThat(started).isEmpty();
  }
}
