package dev.idvstreams.runtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import org.apache.kafka.common.GroupState;
import org.apache.kafka.common.errors.GroupAuthorizationException;
import org.junit.jupiter.api.Test;

class GroupRebalanceWatchTest {

  private final List<CompletableFuture<GroupState>> questions = new ArrayList<>();
  private final List<Boolean> told = new ArrayList<>();
  private final GroupRebalanceWatch watch = new GroupRebalanceWatch(this::ask, told::add);

  private CompletionStage<GroupState> ask() {
    CompletableFuture<GroupState> answer = new CompletableFuture<>();
    questions.add(answer);
    return answer;
  }

  @Test
  void shouldSayRebalancingWhileTheCoordinatorPreparesOrCompletesARebalance() {
    for (GroupState state : List.of(GroupState.STABLE, GroupState.PREPARING_REBALANCE, GroupState.COMPLETING_REBALANCE,
        GroupState.STABLE, GroupState.EMPTY)) {
      watch.check();
      questions.get(questions.size() - 1).complete(state);
    }
    assertThat(told).containsExactly(false, true, true, false, false);
  }

  @Test
  void shouldAskOnceAtATime() {
    watch.check();
    watch.check();
    assertThat(questions).hasSize(1);
    questions.get(0).complete(GroupState.PREPARING_REBALANCE);
    watch.check();
    assertThat(questions).hasSize(2);
    assertThat(told).containsExactly(true);
  }

  @Test
  void shouldSayNotRebalancingWhenTheStateCannotBeRead() {
    watch.check();
    questions.get(0).complete(GroupState.PREPARING_REBALANCE);
    watch.check();
    questions.get(1).completeExceptionally(new GroupAuthorizationException("no DESCRIBE on the group"));
    watch.check();
    assertThat(questions).as("asks again after a failure").hasSize(3);
    assertThat(told).containsExactly(true, false);
  }

  @Test
  void shouldSurviveAQuestionThatCannotBeSent() {
    GroupRebalanceWatch broken = new GroupRebalanceWatch(() -> {
      throw new IllegalStateException("admin client closed");
    }, told::add);
    broken.check();
    broken.check();
    assertThat(told).containsExactly(false, false);
  }
}
