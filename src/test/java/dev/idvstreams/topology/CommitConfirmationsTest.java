package dev.idvstreams.topology;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class CommitConfirmationsTest {

  private final AtomicLong commits = new AtomicLong(7);
  private final CommitConfirmations confirmations = new CommitConfirmations(commits::get);

  @Test
  void shouldConfirmOnlyWhatWasPublishedBeforeACompletedCommit() {
    confirmations.published("a");
    assertThat(confirmations.takeConfirmed()).as("no commit completed since").isEmpty();

    commits.incrementAndGet();
    confirmations.published("b");
    assertThat(confirmations.takeConfirmed()).containsExactly("a");
    assertThat(confirmations.takeConfirmed()).as("each once").isEmpty();
    assertThat(confirmations.pending()).isEqualTo(1);

    commits.incrementAndGet();
    assertThat(confirmations.takeConfirmed()).containsExactly("b");
    assertThat(confirmations.pending()).isZero();
  }

  @Test
  void shouldWaitForTheCommitAfterTheLastPublication() {
    confirmations.published("a");
    commits.incrementAndGet();
    // published again (a second call's events) after that commit: only a later commit confirms both
    confirmations.published("a");
    assertThat(confirmations.takeConfirmed()).isEmpty();

    commits.incrementAndGet();
    assertThat(confirmations.takeConfirmed()).containsExactly("a");
  }
}
