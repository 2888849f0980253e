package dev.idvstreams.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.apache.kafka.streams.processor.api.MockProcessorContext;
import org.junit.jupiter.api.Test;

class CommitPacerTest {

  @Test
  void shouldAskForACommitAtMostOncePerInterval() {
    MockProcessorContext<String, String> context = new MockProcessorContext<>();
    CommitPacer pacer = new CommitPacer(Duration.ofMillis(20));
    context.setCurrentSystemTimeMs(1_000);

    pacer.written(context);
    assertThat(context.committed()).as("the first write asks at once").isTrue();

    context.resetCommit();
    context.setCurrentSystemTimeMs(1_019);
    pacer.written(context);
    assertThat(context.committed()).as("within the interval: the commit already asked for covers it").isFalse();

    context.setCurrentSystemTimeMs(1_020);
    pacer.written(context);
    assertThat(context.committed()).isTrue();
  }
}
