package dev.idvstreams.async;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class ConcurrencyBoundTest {

  @Test
  void shouldBoundByRateTimesServiceTimeTimesHeadroom() {
    ConcurrencyBound bound = new ConcurrencyBound(2.0, 1000, 0.5, Duration.ofMillis(250));

    assertThat(bound.boundFor(20)).as("20/s × 0.25 s × 2").isEqualTo(10);
    assertThat(bound.boundFor(10)).isEqualTo(5);
  }

  @Test
  void shouldRoundUpSoAFractionalNeedStillGetsItsSlot() {
    ConcurrencyBound bound = new ConcurrencyBound(1.0, 1000, 0.5, Duration.ofMillis(50));

    assertThat(bound.boundFor(30)).as("30/s × 0.05 s = 1.5").isEqualTo(2);
  }

  @Test
  void shouldFollowObservedServiceTimeAsAMovingAverage() {
    ConcurrencyBound bound = new ConcurrencyBound(1.0, 1000, 0.5, Duration.ofMillis(100));

    bound.recordServiceTime(Duration.ofMillis(300));
    assertThat(bound.averageServiceTime()).isEqualTo(Duration.ofMillis(200));
    bound.recordServiceTime(Duration.ofMillis(400));
    assertThat(bound.averageServiceTime()).isEqualTo(Duration.ofMillis(300));

    assertThat(bound.boundFor(10)).isEqualTo(3);
  }

  @Test
  void shouldClampToOneAndToTheCeiling() {
    ConcurrencyBound bound = new ConcurrencyBound(1.5, 8, 1.0, Duration.ofMillis(1));

    assertThat(bound.boundFor(1)).isEqualTo(1);

    bound.recordServiceTime(Duration.ofSeconds(30));
    assertThat(bound.boundFor(50)).isEqualTo(8);
  }

  @Test
  void shouldRejectSettingsThatCannotWork() {
    assertThatThrownBy(() -> new ConcurrencyBound(0.5, 8, 0.5, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new ConcurrencyBound(1, 0, 0.5, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> new ConcurrencyBound(1, 8, 0, Duration.ZERO)).isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void shouldStartAtOneUntilTheFirstCompletionWhenTheServiceTimeIsUnknown() {
    ConcurrencyBound bound = new ConcurrencyBound(1.5, 100, 0.2, Duration.ZERO);
    assertThat(bound.boundFor(20)).isEqualTo(1);
    bound.recordServiceTime(Duration.ofMillis(300));
    assertThat(bound.averageServiceTime()).isEqualTo(Duration.ofMillis(300));
    assertThat(bound.boundFor(20)).as("20/s × 0.3 s × 1.5").isEqualTo(9);
    bound.recordServiceTime(Duration.ofMillis(100));
    assertThat(bound.averageServiceTime()).isEqualTo(Duration.ofMillis(260));
  }
}
