package dev.idvstreams.async;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PermitQueueTest {

  private final List<String> woken = new ArrayList<>();
  private final PermitQueue queue = new PermitQueue();

  private PermitQueue.Waiter waiter(String name) {
    return () -> woken.add(name);
  }

  @Test
  void shouldServeTheGroupsByTurnsAndEachGroupInTheOrderItsWaitersAsked() {
    PermitQueue.Waiter a1 = waiter("a1");
    PermitQueue.Waiter a2 = waiter("a2");
    PermitQueue.Waiter a3 = waiter("a3");
    PermitQueue.Waiter b1 = waiter("b1");
    PermitQueue.Waiter b2 = waiter("b2");
    // task a started three requests before task b had any
    queue.join(a1, "a");
    queue.join(a2, "a");
    queue.join(a3, "a");
    queue.join(b1, "b");
    queue.join(b2, "b");

    assertThat(queue.isHead(a1)).isTrue();
    List<PermitQueue.Waiter> granted = new ArrayList<>(List.of(a1));
    while (queue.size() > 0) {
      PermitQueue.Waiter head = granted.get(granted.size() - 1);
      queue.leave(head); // granted: its group's turn ends
      for (PermitQueue.Waiter w : List.of(a1, a2, a3, b1, b2)) {
        if (queue.isHead(w)) {
          granted.add(w);
        }
      }
    }
    assertThat(woken).containsExactly("b1", "a2", "b2", "a3");
  }

  @Test
  void shouldWakeNobodyWhenOneBehindTheHeadLeavesAndKeepTheOrderOfTurns() {
    PermitQueue.Waiter a1 = waiter("a1");
    PermitQueue.Waiter b1 = waiter("b1");
    PermitQueue.Waiter c1 = waiter("c1");
    queue.join(a1, "a");
    queue.join(b1, "b");
    queue.join(c1, "c");

    queue.leave(b1); // cancelled while it waited
    queue.leave(b1); // and again: nothing happens
    assertThat(woken).isEmpty();
    assertThat(queue.size()).isEqualTo(2);
    queue.leave(a1);
    assertThat(woken).containsExactly("c1");
    queue.leave(c1);
    assertThat(queue.size()).isZero();
  }
}
