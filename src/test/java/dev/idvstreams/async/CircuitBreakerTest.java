package dev.idvstreams.async;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class CircuitBreakerTest {

  private final ManualClock clock = new ManualClock();
  private final CircuitBreaker breaker =
      new CircuitBreaker(Duration.ofSeconds(1), Duration.ofSeconds(5), 2.0, clock);

  @Test
  void shouldAllowRequestsWhileClosed() {
    assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.CLOSED);
    assertThat(breaker.allowRequest()).isTrue();
    assertThat(breaker.allowRequest()).isTrue();
  }

  @Test
  void shouldHoldRequestsFromAnAccountFailureUntilTheProbeInterval() {
    breaker.onAccountFailure();

    assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.OPEN);
    clock.advance(Duration.ofMillis(999));
    assertThat(breaker.allowRequest()).isFalse();
  }

  @Test
  void shouldLetAnotherRequestProbeAtOnceWhenTheProbeIsAbandoned() {
    breaker.onAccountFailure();
    clock.advance(Duration.ofSeconds(1));
    assertThat(breaker.allowRequest()).isTrue();

    breaker.onProbeAbandoned();

    assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.OPEN);
    assertThat(breaker.allowRequest()).isTrue();
    assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.HALF_OPEN);
    assertThat(breaker.probeInterval()).as("an abandoned probe is no failure").isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void shouldStayOpenWithTheSameIntervalWhenTheProbeGetsNoAnswer() {
    breaker.onAccountFailure();
    clock.advance(Duration.ofSeconds(1));
    assertThat(breaker.allowRequest()).isTrue();

    breaker.onProbeUnanswered();

    assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.OPEN);
    assertThat(breaker.probeInterval()).as("no answer is no account failure").isEqualTo(Duration.ofSeconds(1));
    clock.advance(Duration.ofMillis(999));
    assertThat(breaker.allowRequest()).as("the next probe after the interval, not at once").isFalse();
    clock.advance(Duration.ofMillis(1));
    assertThat(breaker.allowRequest()).isTrue();
  }

  @Test
  void shouldLetExactlyOneProbeThroughAfterTheProbeInterval() {
    breaker.onAccountFailure();
    clock.advance(Duration.ofSeconds(1));

    assertThat(breaker.allowRequest()).isTrue();
    assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.HALF_OPEN);
    assertThat(breaker.allowRequest()).isFalse();
    clock.advance(Duration.ofSeconds(10));
    assertThat(breaker.allowRequest()).as("still one probe, however long it takes").isFalse();
  }

  @Test
  void shouldCloseWhenTheProbeSucceeds() {
    breaker.onAccountFailure();
    clock.advance(Duration.ofSeconds(1));
    breaker.allowRequest();

    breaker.onSuccess();

    assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.CLOSED);
    assertThat(breaker.allowRequest()).isTrue();
  }

  @Test
  void shouldReopenWithALongerIntervalWhenTheProbeFailsUpToTheMaximum() {
    breaker.onAccountFailure();

    Duration[] intervals = new Duration[4];
    for (int i = 0; i < intervals.length; i++) {
      clock.advance(breaker.probeInterval());
      assertThat(breaker.allowRequest()).isTrue();
      breaker.onAccountFailure();
      intervals[i] = breaker.probeInterval();
    }

    assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.OPEN);
    assertThat(intervals).containsExactly(
        Duration.ofSeconds(2), Duration.ofSeconds(4), Duration.ofSeconds(5), Duration.ofSeconds(5));
    clock.advance(Duration.ofMillis(4_999));
    assertThat(breaker.allowRequest()).isFalse();
  }

  @Test
  void shouldResetTheProbeIntervalOnceClosed() {
    breaker.onAccountFailure();
    clock.advance(Duration.ofSeconds(1));
    breaker.allowRequest();
    breaker.onAccountFailure();
    clock.advance(Duration.ofSeconds(2));
    breaker.allowRequest();
    breaker.onSuccess();

    breaker.onAccountFailure();

    assertThat(breaker.probeInterval()).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void shouldIgnoreLateAnswersWhileOpen() {
    breaker.onAccountFailure();
    clock.advance(Duration.ofMillis(600));

    breaker.onSuccess();
    breaker.onAccountFailure();

    assertThat(breaker.state()).isEqualTo(CircuitBreaker.State.OPEN);
    clock.advance(Duration.ofMillis(400));
    assertThat(breaker.allowRequest()).as("the second failure did not restart the interval").isTrue();
  }
}
