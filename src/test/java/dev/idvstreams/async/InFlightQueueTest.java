package dev.idvstreams.async;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class InFlightQueueTest {

  private final InFlightQueue<String, String> queue = new InFlightQueue<>(2);

  @Test
  void shouldRefuseAtBound() {
    assertThat(queue.tryPut("a")).isPresent();
    assertThat(queue.tryPut("b")).isPresent();

    assertThat(queue.tryPut("c")).isEmpty();
    assertThat(queue.size()).isEqualTo(2);
  }

  @Test
  void shouldFreeSlotOnlyWhenCompletionIsDrained() {
    CompletionHandle<String> a = queue.tryPut("a").orElseThrow();
    queue.tryPut("b").orElseThrow();

    a.complete("done");
    assertThat(queue.tryPut("c")).as("completed but not drained still counts").isEmpty();

    queue.drainCompleted(completion -> { });
    assertThat(queue.tryPut("c")).isPresent();
  }

  @Test
  void shouldIgnoreSecondCompletion() {
    CompletionHandle<String> a = queue.tryPut("a").orElseThrow();

    assertThat(a.complete("first")).isTrue();
    assertThat(a.complete("second")).isFalse();

    List<InFlightQueue.Completion<String, String>> drained = new ArrayList<>();
    assertThat(queue.drainCompleted(drained::add)).isEqualTo(1);
    assertThat(drained).containsExactly(new InFlightQueue.Completion<>("a", "first"));
  }

  @Test
  void shouldDeliverCompletionsFromOtherThreadsOnTheDrainingThread() {
    CompletionHandle<String> a = queue.tryPut("a").orElseThrow();
    CompletionHandle<String> b = queue.tryPut("b").orElseThrow();
    CompletableFuture.allOf(
        CompletableFuture.runAsync(() -> a.complete("ra")),
        CompletableFuture.runAsync(() -> b.complete("rb"))).join();

    Thread owner = Thread.currentThread();
    List<String> values = new ArrayList<>();
    queue.drainCompleted(completion -> {
      assertThat(Thread.currentThread()).isSameAs(owner);
      values.add(completion.key() + "=" + completion.value());
    });

    assertThat(values).containsExactlyInAnyOrder("a=ra", "b=rb");
    assertThat(queue.size()).isZero();
  }

  @Test
  void shouldLetTheSinkPutTheSameKeyAgain() {
    queue.tryPut("a").orElseThrow().complete("retry me");

    queue.drainCompleted(completion -> queue.tryPut(completion.key()).orElseThrow());

    assertThat(queue.contains("a")).isTrue();
    assertThat(queue.size()).isEqualTo(1);
  }

  @Test
  void shouldRejectKeyAlreadyInFlight() {
    queue.tryPut("a");

    assertThatThrownBy(() -> queue.tryPut("a")).isInstanceOf(IllegalStateException.class);
  }

  @Test
  void shouldBlockAwaitUntilAnotherThreadCompletes() {
    CompletionHandle<String> a = queue.tryPut("a").orElseThrow();
    AtomicReference<Boolean> awaited = new AtomicReference<>();
    Thread waiter = new Thread(() -> {
      try {
        awaited.set(queue.awaitCompletion(Duration.ofSeconds(30)));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    waiter.start();

    await().until(() -> waiter.getState() == Thread.State.TIMED_WAITING);
    assertThat(awaited.get()).isNull();

    a.complete("done");

    await().atMost(Duration.ofSeconds(5)).until(() -> Boolean.TRUE.equals(awaited.get()));
  }

  @Test
  void shouldReturnFromAwaitAtOnceWhenCompletionAlreadyThere() throws InterruptedException {
    queue.tryPut("a").orElseThrow().complete("done");

    assertThat(queue.awaitCompletion(Duration.ofDays(1))).isTrue();
  }

  @Test
  void shouldReturnFromAwaitAtOnceWhenNothingInFlight() throws InterruptedException {
    assertThat(queue.awaitCompletion(Duration.ofDays(1))).isFalse();
  }

  @Test
  void shouldTimeOutAwaitWhenNothingCompletes() throws InterruptedException {
    queue.tryPut("a");
    long start = System.nanoTime();

    assertThat(queue.awaitCompletion(Duration.ofMillis(50))).isFalse();
    assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(Duration.ofMillis(50).toNanos());
  }

  @Test
  void shouldContainCompletedKeysUntilDrained() {
    queue.tryPut("a").orElseThrow().complete("done");
    queue.tryPut("b");

    assertThat(queue.contains("a")).isTrue();
    assertThat(queue.contains("b")).isTrue();
    queue.drainCompleted(completion -> { });

    assertThat(queue.contains("a")).isFalse();
    assertThat(queue.contains("b")).isTrue();
  }

  @Test
  void shouldKeepEntriesWhenBoundIsLoweredButRefuseNewOnes() {
    queue.tryPut("a");
    queue.tryPut("b");

    queue.setBound(1);

    assertThat(queue.size()).isEqualTo(2);
    assertThat(queue.bound()).isEqualTo(1);
    assertThat(queue.tryPut("c")).isEmpty();
    assertThatThrownBy(() -> queue.setBound(0)).isInstanceOf(IllegalArgumentException.class);
  }
}
