package dev.idvstreams.async;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RetryPolicyTest {

  private static final Duration BASE = Duration.ofMillis(100);
  private static final Duration CAP = Duration.ofSeconds(2);

  private static RetryPolicy policy(double uniform, int maxAttempts, Duration deadline) {
    return new RetryPolicy(BASE, CAP, maxAttempts, deadline, RetryPolicy.RETRYABLE_BY_DEFAULT, () -> uniform);
  }

  @Test
  void shouldDoubleTheBackoffCeilingPerAttemptUpToTheCap() {
    // Just under 1: the draw is from [0, ceiling), so this shows the ceiling itself.
    RetryPolicy policy = policy(0.999_999_999, 100, Duration.ofDays(1));

    assertThat(millis(policy.nextDelay(1, Duration.ZERO))).isEqualTo(99);
    assertThat(millis(policy.nextDelay(2, Duration.ZERO))).isEqualTo(199);
    assertThat(millis(policy.nextDelay(3, Duration.ZERO))).isEqualTo(399);
    assertThat(millis(policy.nextDelay(5, Duration.ZERO))).isEqualTo(1599);
    assertThat(millis(policy.nextDelay(6, Duration.ZERO))).isEqualTo(1999);
    assertThat(millis(policy.nextDelay(99, Duration.ZERO))).as("no overflow far past the cap").isEqualTo(1999);
  }

  @Test
  void shouldDrawTheDelayUniformlyBelowTheCeiling() {
    assertThat(policy(0.0, 10, Duration.ofDays(1)).nextDelay(3, Duration.ZERO)).contains(Duration.ZERO);
    assertThat(policy(0.25, 10, Duration.ofDays(1)).nextDelay(3, Duration.ZERO)).contains(Duration.ofMillis(100));
    assertThat(policy(0.5, 10, Duration.ofDays(1)).nextDelay(4, Duration.ZERO)).contains(Duration.ofMillis(400));
  }

  @Test
  void shouldGiveUpAfterTheMaximumNumberOfAttempts() {
    RetryPolicy policy = policy(0.5, 3, Duration.ofDays(1));

    assertThat(policy.nextDelay(2, Duration.ZERO)).isPresent();
    assertThat(policy.nextDelay(3, Duration.ZERO)).isEmpty();
  }

  @Test
  void shouldGiveUpWhenTheNextAttemptWouldStartPastTheDeadline() {
    RetryPolicy policy = policy(0.5, 10, Duration.ofSeconds(10));

    assertThat(policy.nextDelay(2, Duration.ofMillis(9_900))).contains(Duration.ofMillis(100));
    assertThat(policy.nextDelay(2, Duration.ofMillis(9_901))).isEmpty();
  }

  @Test
  void shouldRetryOnlyKindsThatCallingAgainCanFix() {
    RetryPolicy policy = policy(0.5, 10, Duration.ofDays(1));

    assertThat(policy.isRetryable(FailureKind.THROTTLED)).isTrue();
    assertThat(policy.isRetryable(FailureKind.TRANSIENT)).isTrue();
    assertThat(policy.isRetryable(FailureKind.UNANSWERED)).isTrue();
    assertThat(policy.isRetryable(FailureKind.REPEATED)).isTrue();
    assertThat(policy.isRetryable(FailureKind.INPUT_REJECTED)).isFalse();
    assertThat(policy.isRetryable(FailureKind.ACCOUNT)).isFalse();
    assertThat(policy.isRetryable(FailureKind.FATAL)).isFalse();
  }

  private static long millis(Optional<Duration> delay) {
    return delay.orElseThrow().toMillis();
  }
}
