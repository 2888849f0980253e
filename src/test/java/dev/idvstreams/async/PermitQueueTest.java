package dev.idvstreams.async;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class PermitQueueTest {

  private final List<String> woken = new ArrayList<>();

  private PermitQueue.Waiter waiter(String name) {
    return () -> woken.add(name);
  }

  @Test
  void shouldServeInTheOrderAskedAndWakeTheNextWhenTheHeadLeaves() {
    PermitQueue queue = new PermitQueue();
    PermitQueue.Waiter a = waiter("a");
    PermitQueue.Waiter b = waiter("b");
    PermitQueue.Waiter c = waiter("c");
    queue.join(a);
    queue.join(b);
    queue.join(c);

    assertThat(queue.isHead(a)).isTrue();
    assertThat(queue.isHead(b)).isFalse();
    queue.leave(a);
    assertThat(woken).containsExactly("b");
    assertThat(queue.isHead(b)).isTrue();
    assertThat(queue.size()).isEqualTo(2);
  }

  @Test
  void shouldWakeNobodyWhenOneBehindTheHeadLeaves() {
    PermitQueue queue = new PermitQueue();
    PermitQueue.Waiter a = waiter("a");
    PermitQueue.Waiter b = waiter("b");
    PermitQueue.Waiter c = waiter("c");
    queue.join(a);
    queue.join(b);
    queue.join(c);

    queue.leave(b); // cancelled while it waited behind a
    queue.leave(b); // and again: nothing happens
    assertThat(woken).isEmpty();
    queue.leave(a);
    assertThat(woken).containsExactly("c");
    queue.leave(c);
    assertThat(queue.size()).isZero();
  }
}
